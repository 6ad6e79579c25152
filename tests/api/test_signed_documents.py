"""Every issued PDF carries the bureau's PAdES signature; anyone can check a copy by upload
(``POST /api/verify/pdf``, the /verify page) or with ``eia verify FILE.pdf``; a changed byte, a
re-rendered copy and a copy signed by another key are each refused with the reason."""

from __future__ import annotations

import io
import stat
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from sqlalchemy.engine import Engine

from cli.verify import verify_file
from documents.signing import BureauSigner
from documents.signing_keys import CA_CERT, SIGNER_KEY, SigningFiles, ensure_local_ca
from flows.runtime import Runtime
from tests.api.case_checks import headers_for
from tests.api.case_driving import accept
from tests.helpers import create_submitted, page_form_token


@pytest.fixture
def issued(client: TestClient) -> tuple[dict[str, Any], bytes]:
    """The 受理通知书 of an accepted case and its PDF as downloaded."""
    applicant = headers_for(client, "qiye")
    case = create_submitted(client, applicant)
    accept(client, case["id"])
    detail = client.get(f"/api/applications/{case['id']}", headers=applicant).json()
    (notice,) = detail["documents"]
    pdf = client.get(notice["download_url"], headers=applicant).content
    return notice, pdf


def _verify(client: TestClient, pdf: bytes) -> dict[str, Any]:
    response = client.post(
        "/api/verify/pdf", files={"file": ("copy.pdf", pdf, "application/pdf")}
    )  # no token: anyone may check
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _unsigned_prefix(pdf: bytes) -> bytes:
    """The rendered PDF before the signature's incremental update: a faithful re-render."""
    end = pdf.index(b"%%EOF") + len(b"%%EOF")
    return pdf[: end + 1] if pdf[end : end + 1] == b"\n" else pdf[:end]


def test_an_issued_pdf_verifies_with_pyhanko_against_the_bureau_ca(
    issued: tuple[dict[str, Any], bytes], runtime: Runtime
) -> None:
    _, pdf = issued
    folder = runtime.settings.var_dir / "signing"
    root = load_cert_from_pemder(str(folder / CA_CERT))
    (signature,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[root]))
    assert status.intact and status.valid and status.trusted
    assert status.signing_cert.subject.native["organization_name"] == "郑州市生态环境局"
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert stat.S_IMODE((folder / SIGNER_KEY).stat().st_mode) == 0o600


def test_the_issued_copy_is_valid_and_names_its_document(
    client: TestClient, issued: tuple[dict[str, Any], bytes]
) -> None:
    notice, pdf = issued
    body = _verify(client, pdf)
    assert body["valid"] is True and body["problem"] == ""
    assert body["signed"] and body["intact"] and body["unchanged"] and body["trusted"]
    assert body["signer"] == "郑州市生态环境局（文书签章）"
    assert body["sha256"] == notice["sha256"]
    assert body["document"]["number"] == "郑环受〔2026〕1号"
    assert body["document"]["kind"] == "受理通知书"


def test_one_changed_byte_a_rerendered_copy_and_another_key_are_each_refused(
    client: TestClient, issued: tuple[dict[str, Any], bytes], tmp_path: Path
) -> None:
    _, pdf = issued
    middle = len(_unsigned_prefix(pdf)) // 2
    tampered = pdf[:middle] + bytes([pdf[middle] ^ 0x01]) + pdf[middle + 1 :]
    changed = _verify(client, tampered)
    assert changed["valid"] is False and "改动" in changed["problem"]
    assert changed["document"] is None

    rerendered = _verify(client, _unsigned_prefix(pdf))
    assert rerendered["valid"] is False and rerendered["signed"] is False
    assert rerendered["problem"] == "文件不含电子签名，不是本局签发的电子文书"

    ensure_local_ca(tmp_path / "other", "某某冒充单位")
    other = BureauSigner(
        SigningFiles(
            key=tmp_path / "other" / "signer.key",
            cert=tmp_path / "other" / "signer.pem",
            trust=tmp_path / "other" / "ca.pem",
        ),
        bureau="某某冒充单位",
    )
    forged = _verify(client, other.sign(_unsigned_prefix(pdf)))
    assert forged["valid"] is False and forged["intact"] is True and forged["trusted"] is False
    assert forged["problem"] == "签名证书不是本局的文书签章证书"


def test_a_signature_appended_to_afterwards_is_not_unchanged(
    client: TestClient, issued: tuple[dict[str, Any], bytes]
) -> None:
    _, pdf = issued
    appended = pdf + b"\n% a later addition\n"
    body = _verify(client, appended)
    assert body["valid"] is False and body["intact"] is True and body["unchanged"] is False


def test_eia_verify_passes_the_original_and_fails_a_changed_copy(
    issued: tuple[dict[str, Any], bytes], runtime: Runtime, engine: Engine, tmp_path: Path
) -> None:
    _, pdf = issued
    settings = runtime.settings.model_copy(
        update={
            "database_url": engine.url.render_as_string(hide_password=False),
            "signing_self_signed": True,  # the same local CA, outside the embedded mode
        }
    )
    original, copy = tmp_path / "original.pdf", tmp_path / "copy.pdf"
    original.write_bytes(pdf)
    copy.write_bytes(_unsigned_prefix(pdf))
    assert verify_file(original, settings) is True
    assert verify_file(copy, settings) is False


def test_the_verify_page_takes_an_upload_and_states_the_result(
    client: TestClient, issued: tuple[dict[str, Any], bytes]
) -> None:
    _, pdf = issued
    token = page_form_token(client, "/verify")
    page = client.post(
        "/verify/pdf",
        data={"csrf_token": token},
        files={"file": ("copy.pdf", pdf, "application/pdf")},
    )
    assert page.status_code == 200, page.text
    assert "本局签发的原件，签名后未被改动" in page.text and "郑环受〔2026〕1号" in page.text
    forged = client.post(
        "/verify/pdf",
        data={"csrf_token": token},
        files={"file": ("copy.pdf", _unsigned_prefix(pdf), "application/pdf")},
    )
    assert "文件不含电子签名" in forged.text
