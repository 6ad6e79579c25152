"""The bureau's signature on audit-chain checkpoints: the same key and CA as the PDFs
(``documents.signing_keys``), over a few hundred bytes of JSON (ECDSA or RSA, SHA-256).

Other code calls exactly::

    checkpoint_sealer(settings).sign(payload) -> (signature_b64, certificate_pem)
    checkpoint_sealer(settings).problem(payload, signature_b64, certificate_pem) -> str

A signature is the bureau's when its certificate was issued by (or is) one of the trusted CA
certificates and verifies the payload; the certificate travels with the checkpoint, so a
checkpoint signed before a key change still verifies after it.
"""

from __future__ import annotations

import base64
import binascii
from functools import lru_cache

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from core.settings import Settings
from documents.signing_keys import SigningFiles, signing_files

__all__ = ["CheckpointSealer", "checkpoint_sealer"]

NOT_BUREAU = "签名证书不是本局的文书签章证书"


class CheckpointSealer:
    """Signs with one key; accepts signatures whose certificate chains to ``files.trust``."""

    def __init__(self, files: SigningFiles) -> None:
        if files.pkcs12 is not None:
            key, cert, _ = pkcs12.load_key_and_certificates(
                files.pkcs12.read_bytes(), files.passphrase
            )
        else:
            assert files.key is not None and files.cert is not None
            key = serialization.load_pem_private_key(files.key.read_bytes(), files.passphrase)
            cert = x509.load_pem_x509_certificate(files.cert.read_bytes())
        if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) or cert is None:
            raise ValueError("签章私钥须为ECDSA或RSA密钥 / the signing key must be ECDSA or RSA")
        self._key = key
        self._cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode()
        self._trust = x509.load_pem_x509_certificates(files.trust.read_bytes())
        self._certs: dict[str, x509.Certificate] = {}  # PEM → a certificate the CA issued

    def sign(self, payload: bytes) -> tuple[str, str]:
        if isinstance(self._key, ec.EllipticCurvePrivateKey):
            signature = self._key.sign(payload, ec.ECDSA(hashes.SHA256()))
        else:
            signature = self._key.sign(payload, padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(signature).decode(), self._cert_pem

    def problem(self, payload: bytes, signature: str, certificate: str) -> str:
        try:
            cert = self._certs.get(certificate) or x509.load_pem_x509_certificate(
                certificate.encode()
            )
            raw = base64.b64decode(signature, validate=True)
        except (ValueError, binascii.Error):
            return "签名或证书无法解析"
        if certificate not in self._certs:
            if not any(self._issued_by(cert, root) for root in self._trust):
                return NOT_BUREAU
            self._certs[certificate] = cert  # checked once: every checkpoint carries the same
        public = cert.public_key()
        try:
            if isinstance(public, ec.EllipticCurvePublicKey):
                public.verify(raw, payload, ec.ECDSA(hashes.SHA256()))
            elif isinstance(public, rsa.RSAPublicKey):
                public.verify(raw, payload, padding.PKCS1v15(), hashes.SHA256())
            else:
                return "签名算法不受支持"
        except InvalidSignature:
            return "签名与检查点内容不符，内容已被改动"
        return ""

    @staticmethod
    def _issued_by(cert: x509.Certificate, root: x509.Certificate) -> bool:
        if cert == root:
            return True
        try:
            cert.verify_directly_issued_by(root)
        except (ValueError, TypeError, InvalidSignature):
            return False
        return True


def checkpoint_sealer(settings: Settings) -> CheckpointSealer:
    """The process's sealer for these settings: the key is loaded once, then reused."""
    return _cached(signing_files(settings))


@lru_cache(maxsize=4)
def _cached(files: SigningFiles) -> CheckpointSealer:
    return CheckpointSealer(files)
