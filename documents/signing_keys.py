"""The bureau's signing key and certificates: configured files, or a local CA made on first use.

* **Configured** (production): ``EIA_SIGNING_KEY_FILE`` + ``EIA_SIGNING_CERT_FILE`` (PEM; the
  key may be encrypted with ``EIA_SIGNING_KEY_PASSPHRASE``) or ``EIA_SIGNING_PKCS12_FILE`` (+
  ``EIA_SIGNING_KEY_PASSPHRASE``), and ``EIA_SIGNING_TRUST_FILE``: the CA certificate(s), PEM,
  that a signature must chain to (also embedded as the chain).
* **Local bureau CA** (the embedded default, or ``EIA_SIGNING_SELF_SIGNED=true`` for tests and
  staging): on first use a CA and a signing certificate issued by it are written to
  ``{EIA_VAR_DIR}/signing/`` (keys mode 0600) and reused afterwards. A key file others can read
  is refused, as for the secret key.
* Otherwise :class:`SigningNotConfigured` names the variables to set.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from core.settings import Settings

SIGNING_DIR = "signing"
CA_CERT, CA_KEY, SIGNER_CERT, SIGNER_KEY = "ca.pem", "ca.key", "signer.pem", "signer.key"
VALID_YEARS = 10


class SigningNotConfigured(ValueError):
    """No signing key is configured and none may be generated here (Chinese, then English)."""


@dataclass(frozen=True)
class SigningFiles:
    """Where the key, the certificate and the trusted CA certificate(s) are."""

    key: Path | None
    cert: Path | None
    trust: Path
    pkcs12: Path | None = None
    passphrase: bytes | None = None


def signing_files(settings: Settings) -> SigningFiles:
    """The configured files, or the local CA's (made now if missing), or a refusal."""
    passphrase = settings.signing_key_passphrase.encode() or None
    configured = settings.signing_pkcs12_file or settings.signing_key_file
    if configured:
        if settings.signing_trust_file is None:
            raise SigningNotConfigured(
                "未设置 EIA_SIGNING_TRUST_FILE：须指定签章证书所属的CA证书 / "
                "EIA_SIGNING_TRUST_FILE is not set: name the CA certificate(s) of the signing key"
            )
        if settings.signing_pkcs12_file is None and settings.signing_cert_file is None:
            raise SigningNotConfigured(
                "未设置 EIA_SIGNING_CERT_FILE / EIA_SIGNING_CERT_FILE is not set"
            )
        return SigningFiles(
            key=settings.signing_key_file,
            cert=settings.signing_cert_file,
            trust=settings.signing_trust_file,
            pkcs12=settings.signing_pkcs12_file,
            passphrase=passphrase,
        )
    if not (settings.is_embedded or settings.signing_self_signed):
        raise SigningNotConfigured(
            "未配置文书签章证书：请设置 EIA_SIGNING_KEY_FILE、EIA_SIGNING_CERT_FILE 和 "
            "EIA_SIGNING_TRUST_FILE（或 EIA_SIGNING_PKCS12_FILE） / no signing key: set "
            "EIA_SIGNING_KEY_FILE, EIA_SIGNING_CERT_FILE and EIA_SIGNING_TRUST_FILE (or "
            "EIA_SIGNING_PKCS12_FILE), or EIA_SIGNING_SELF_SIGNED=true outside production"
        )
    folder = settings.var_dir / SIGNING_DIR
    ensure_local_ca(folder, settings.bureau_name)
    return SigningFiles(key=folder / SIGNER_KEY, cert=folder / SIGNER_CERT, trust=folder / CA_CERT)


def ensure_local_ca(folder: Path, bureau: str) -> None:
    """Create the local bureau CA and its signing certificate unless both exist."""
    if (folder / SIGNER_CERT).exists() and (folder / SIGNER_KEY).exists():
        for key_file in (folder / SIGNER_KEY, folder / CA_KEY):
            if key_file.exists() and key_file.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise SigningNotConfigured(
                    f"签章私钥文件 {key_file} 可被其他用户读取，拒绝使用（应为0600） / "
                    f"the key file {key_file} is readable by others: chmod 600 it"
                )
        return
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(bureau, f"{bureau}文书签章根证书（本地）")
    ca_cert = (
        _builder(ca_name, ca_name, ca_key.public_key(), now)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        _builder(_name(bureau, f"{bureau}（文书签章）"), ca_name, key.public_key(), now)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(cert_sign=False), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    _write_key(folder / CA_KEY, ca_key)
    _write_key(folder / SIGNER_KEY, key)
    (folder / CA_CERT).write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    (folder / SIGNER_CERT).write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _name(bureau: str, common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, bureau),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _builder(
    subject: x509.Name, issuer: x509.Name, public_key: ec.EllipticCurvePublicKey, now: dt.datetime
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * VALID_YEARS))
    )


def _usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=not cert_sign,  # non-repudiation: pyHanko asks for it by default
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    data = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(path, 0o600)
