"""The bureau's PAdES signature on every issued PDF, and the check anyone can run on a copy.

Other code calls exactly::

    bureau_signer(settings).sign(pdf) -> bytes      # PAdES B-B (B-T with a configured TSA)
    bureau_signer(settings).check(pdf) -> SignatureCheck

The key and certificates are read once per process (:func:`bureau_signer` is cached per
settings' signing files): signing a document then costs a few milliseconds (see
``bench/signing.py``). pyHanko runs on asyncio; when the caller already runs an event loop
(an async flow), the signing runs on a helper thread instead of nesting loops.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import io
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, TypeVar

from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation.pdf_embedded import async_validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from core.settings import Settings
from documents.signing_keys import SigningFiles, signing_files

__all__ = ["BureauSigner", "SignatureCheck", "bureau_signer"]

FIELD_NAME = "BureauSignature"
RESERVED, RESERVED_WITH_TSA = 8192, 16384  # CMS bytes: ECDSA + 2 certificates; + a TSA token
T = TypeVar("T")
_POOL = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="pdf-signing")


@dataclass(frozen=True)
class SignatureCheck:
    """What a PDF's signature says. ``problem`` is the Chinese reason it fails, or empty."""

    signed: bool
    intact: bool  # the signed bytes hash to the signed digest
    unchanged: bool  # the signature covers the whole file: nothing added or altered since
    trusted: bool  # the signing certificate chains to the bureau's CA
    signer: str
    signed_at: datetime | None
    problem: str

    @property
    def valid(self) -> bool:
        return self.signed and self.intact and self.unchanged and self.trusted


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    return _POOL.submit(asyncio.run, coroutine).result()


class BureauSigner:
    """Signs with one key and checks against one set of trusted CA certificates."""

    def __init__(self, files: SigningFiles, *, bureau: str, tsa_url: str = "") -> None:
        if files.pkcs12 is not None:
            signer = signers.SimpleSigner.load_pkcs12(
                str(files.pkcs12), ca_chain_files=(str(files.trust),), passphrase=files.passphrase
            )
        else:
            signer = signers.SimpleSigner.load(
                str(files.key),
                str(files.cert),
                ca_chain_files=(str(files.trust),),
                key_passphrase=files.passphrase,
            )
        if signer is None:
            raise ValueError(f"签章证书或私钥无法读取 / cannot load the signing key ({files})")
        self._signer = signer
        self._trust = list(load_certs_from_pemder([str(files.trust)]))
        self._bureau = bureau
        self._timestamper = HTTPTimeStamper(tsa_url) if tsa_url else None

    def sign(self, pdf: bytes, *, reason: str = "") -> bytes:
        """``pdf`` with the bureau's invisible PAdES signature appended (incremental update)."""
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=reason or f"{self._bureau}签发",
            location=self._bureau,
            name=self._bureau,
        )
        pdf_signer = signers.PdfSigner(meta, self._signer, timestamper=self._timestamper)
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        # A fixed reservation spares pyHanko a dummy signature to estimate the size (half the cost).
        reserved = RESERVED_WITH_TSA if self._timestamper else RESERVED
        out = _run(pdf_signer.async_sign_pdf(writer, bytes_reserved=reserved))
        return bytes(out.getbuffer())

    def check(self, pdf: bytes) -> SignatureCheck:
        """Verify the last signature of ``pdf`` against the bureau's CA (no network access)."""
        try:
            reader = PdfFileReader(io.BytesIO(pdf), strict=False)
            signatures = reader.embedded_signatures
        except Exception:  # any parse failure is the same answer to the person asking
            return _failed("无法读取该PDF文件，文件可能已损坏或被改动")
        if not signatures:
            return _failed("文件不含电子签名，不是本局签发的电子文书")
        context = ValidationContext(trust_roots=self._trust, allow_fetching=False)
        try:
            status = _run(async_validate_pdf_signature(signatures[-1], context))
        except Exception:  # a malformed signature dictionary or CMS blob
            return _failed("电子签名无法解析，文件可能已被改动", signed=True)
        unchanged = (
            status.coverage is SignatureCoverageLevel.ENTIRE_FILE
            and status.modification_level in (None, ModificationLevel.NONE)
        )
        signer = status.signing_cert.subject.native.get("common_name", "")
        if not status.intact or not status.valid:
            problem = "文件内容与电子签名不符：签名后文件已被改动"
        elif not unchanged:
            problem = "签名之后文件又被追加或改动了内容"
        elif not status.trusted:
            problem = "签名证书不是本局的文书签章证书"
        else:
            problem = ""
        return SignatureCheck(
            signed=True,
            intact=bool(status.intact and status.valid),
            unchanged=unchanged,
            trusted=bool(status.trusted),
            signer=str(signer),
            signed_at=status.signer_reported_dt,
            problem=problem,
        )


def _failed(problem: str, *, signed: bool = False) -> SignatureCheck:
    return SignatureCheck(signed, False, False, False, "", None, problem)


def bureau_signer(settings: Settings) -> BureauSigner:
    """The process's signer for these settings: the key is loaded once, then reused."""
    return _cached_signer(signing_files(settings), settings.bureau_name, settings.signing_tsa_url)


@lru_cache(maxsize=4)
def _cached_signer(files: SigningFiles, bureau: str, tsa_url: str) -> BureauSigner:
    return BureauSigner(files, bureau=bureau, tsa_url=tsa_url)
