"""The one rule for secrets, applied by every entry point that serves.

``serving_settings`` returns the settings a process may serve with, or raises
``InsecureSettings`` naming the variable to set:

* **Embedded mode** (SQLite + filesystem store + .eml outbox, what ``eia up`` runs): without
  ``EIA_SECRET_KEY`` a random key is generated on first start and kept in
  ``{EIA_VAR_DIR}/secret_key`` (mode 0600), then reused on every restart. A key file that
  others can read is refused rather than trusted.
* **Any other mode** (PostgreSQL, S3 or SMTP configured): ``EIA_SECRET_KEY`` must be set.
* Everywhere: a key set explicitly has at least ``MIN_SECRET_KEY_LENGTH`` characters and is
  none of the keys this project ever published; the S3 backend needs its own access and secret
  keys (never MinIO's ``minioadmin``); the SMTP backend needs a username and password unless
  ``EIA_SMTP_ANONYMOUS_RELAY=true`` declares a relay that authorises by network address.

The API app factory, ``eia up`` and ``eia worker`` call it; a process that signs nothing (the
worker) passes ``signs_tokens=False`` and only its backend credentials are checked.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

from core.settings import MailBackend, Settings, StorageBackend

MIN_SECRET_KEY_LENGTH = 32
KEY_FILE_NAME = "secret_key"
# Keys and credentials that were printed in this repository at some point: never accepted.
PUBLISHED_SECRET_KEYS = frozenset(
    {"dev-only-change-me-0123456789abcdef", "change-me-to-a-long-random-secret"}
)
PUBLISHED_S3_KEYS = frozenset({"minioadmin", "eia-access-key", "eia-secret-key-change-me"})
KEY_HINT = 'e.g. python -c "import secrets; print(secrets.token_urlsafe(48))"'


class InsecureSettings(ValueError):
    """The settings would serve with a missing, weak or published secret. The message names
    the variable to set (Chinese first, then English)."""


def serving_settings(settings: Settings, *, signs_tokens: bool = True) -> Settings:
    """``settings`` with the effective secret key filled in, or ``InsecureSettings``."""
    check_backend_credentials(settings)
    if not signs_tokens:
        return settings
    key = settings.secret_key
    if key:
        _check_key(key, "EIA_SECRET_KEY")
        return settings
    if not settings.is_embedded:
        raise InsecureSettings(
            "未设置 EIA_SECRET_KEY：使用 PostgreSQL、S3 或 SMTP 时必须设置至少"
            f"{MIN_SECRET_KEY_LENGTH}个字符的随机密钥 / EIA_SECRET_KEY is not set: outside the "
            f"embedded mode set a random key of at least {MIN_SECRET_KEY_LENGTH} characters "
            f"({KEY_HINT})"
        )
    return settings.model_copy(update={"secret_key": embedded_secret_key(settings.var_dir)})


def check_backend_credentials(settings: Settings) -> None:
    """Refuse the S3 and SMTP backends without credentials of their own."""
    if settings.storage_backend is StorageBackend.S3:
        for variable, value in (
            ("EIA_S3_ACCESS_KEY", settings.s3_access_key),
            ("EIA_S3_SECRET_KEY", settings.s3_secret_key),
        ):
            if not value or value in PUBLISHED_S3_KEYS:
                raise InsecureSettings(
                    f"{variable} 未设置或为公开的默认值：对象存储必须使用专用的访问密钥 / "
                    f"{variable} is missing or a published default (minioadmin): give the "
                    "service its own S3 credentials"
                )
    if settings.mail_backend is MailBackend.SMTP and not settings.smtp_anonymous_relay:
        for variable, value in (
            ("EIA_SMTP_USERNAME", settings.smtp_username),
            ("EIA_SMTP_PASSWORD", settings.smtp_password),
        ):
            if not value:
                raise InsecureSettings(
                    f"未设置 {variable}：SMTP 发信须认证（按地址授权的中继请设置 "
                    f"EIA_SMTP_ANONYMOUS_RELAY=true） / {variable} is not set: SMTP needs "
                    "credentials (set EIA_SMTP_ANONYMOUS_RELAY=true for a relay that "
                    "authorises by network address)"
                )


def embedded_secret_key(var_dir: Path) -> str:
    """The key in ``{var_dir}/secret_key``, created (0600, atomically) on first use."""
    path = var_dir / KEY_FILE_NAME
    if not path.exists():
        _create_key_file(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise InsecureSettings(
            f"密钥文件 {path} 的权限过宽（{mode:o}），其他用户可读 / the key file {path} is "
            f"readable by others (mode {mode:o}): run `chmod 600 {path}` if it never left this "
            "host, otherwise delete it (every sign-in ends) and start again"
        )
    key = path.read_text(encoding="utf-8").strip()
    _check_key(key, str(path))
    return key


def _create_key_file(path: Path) -> None:
    """Write a fresh key to a private temporary file, then link it into place: two processes
    starting at once end up with the same key (the second link fails, its key is dropped)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(secrets.token_urlsafe(48) + "\n")
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _check_key(key: str, source: str) -> None:
    """``source`` names where the key came from: the variable or the key file."""
    if len(key) < MIN_SECRET_KEY_LENGTH or key in PUBLISHED_SECRET_KEYS:
        raise InsecureSettings(
            f"{source} 过短或为公开的示例值：须为至少{MIN_SECRET_KEY_LENGTH}个字符的随机密钥 / "
            f"{source} is shorter than {MIN_SECRET_KEY_LENGTH} characters or a published "
            f"example: set EIA_SECRET_KEY to a random key ({KEY_HINT})"
        )
