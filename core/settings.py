"""Every setting of the service, read in one place.

Values come from environment variables prefixed ``EIA_`` (or a ``.env`` file). The defaults
are the embedded mode: SQLite, a filesystem object store and an .eml outbox folder under
``var/``. Tests build their own ``Settings(...)`` and pass it on; nothing patches a global.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PROJECT_ROOT / "templates"
ASSETS_DIR = TEMPLATES_DIR / "assets"


class StorageBackend(StrEnum):
    FILESYSTEM = "fs"
    S3 = "s3"


class MailBackend(StrEnum):
    EML = "eml"
    SMTP = "smtp"


class DispatchMode(StrEnum):
    PREFECT = "prefect"  # workers claim the recorded work and run it as Prefect flow runs
    INLINE = "inline"  # run the same flow body in-process after commit (unit tests, scripts)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EIA_", env_file=".env", extra="ignore")

    var_dir: Path = PROJECT_ROOT / "var"
    database_url: str = ""  # empty: sqlite:///{var_dir}/eia.db

    storage_backend: StorageBackend = StorageBackend.FILESYSTEM
    storage_dir: Path | None = None  # default {var_dir}/objects
    s3_endpoint: str = "127.0.0.1:9000"
    s3_access_key: str = ""  # required with the S3 backend (core.serving checks)
    s3_secret_key: str = ""
    s3_bucket: str = "eia"
    s3_secure: bool = False
    s3_region: str = "us-east-1"

    mail_backend: MailBackend = MailBackend.EML
    mail_outbox_dir: Path | None = None  # default {var_dir}/outbox
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_anonymous_relay: bool = False  # a relay that authorises by address: no credentials
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = 10.0
    mail_from: str = "郑州市生态环境局 <noreply@sthjj.zhengzhou.example>"

    # Database connections per process (PostgreSQL; SQLite ignores them). A request holds one
    # connection at a time, a worker one at a time plus its LISTEN connection: size the pool to
    # the concurrent requests (uvicorn's threadpool runs up to 40), the server's max_connections
    # to the sum over all processes. A request waits up to the timeout for a connection.
    db_pool_size: int = 10
    db_max_overflow: int = 20
    db_pool_timeout_seconds: float = 30.0

    # The worker (flows.worker): requests per batch (one flow run), how often it looks when
    # no notification woke it, and how long a claim lasts before another worker may retake it
    # (also the retry delay after a failed batch; must exceed a batch's run time).
    worker_batch_size: int = 10
    worker_poll_seconds: float = 1.0
    worker_lease_seconds: float = 120.0

    dispatch_mode: DispatchMode = DispatchMode.PREFECT
    prefect_deployment_prefix: str = ""  # lets several test runs share one Prefect server
    prefect_api_url: str = ""  # empty: PREFECT_API_URL from the environment

    # Signs tokens and CSRF tokens. No default: the embedded mode keeps a random one in
    # {var_dir}/secret_key, every other mode must set it (core.serving.serving_settings).
    secret_key: str = ""
    token_ttl_seconds: int = 12 * 3600
    # How long a process keeps a sign-in (session row and user) in memory before reading it
    # again (approvals.sessions): a logout, password or role change, or disabled account takes
    # effect at once on the process that made it, within this on the others. 0: read always.
    session_cache_seconds: float = 5.0
    max_upload_bytes: int = 50 * 1024 * 1024
    max_json_bytes: int = 1024 * 1024  # a JSON or plain form body (api.body_limit)
    staged_upload_hours: int = 48  # an apply form's uploaded materials kept before cleanup
    public_base_url: str = "http://127.0.0.1:8000"
    forwarded_allow_ips: str = "127.0.0.1"  # proxies whose X-Forwarded-* headers are trusted
    # Sign-in throttling (approvals.sign_in): wrong passwords before a username locks, the
    # window they count in (also the lock's length), failures from one address before it waits.
    sign_in_max_failures: int = 5
    sign_in_lock_minutes: int = 15
    sign_in_address_max_failures: int = 30

    # Single sign-on (OpenID Connect, api.oidc): off unless the issuer is set. The account
    # claim names the local username; the role claim, when set, must map (role map: claim
    # value -> role) to the account's role; a mapped staff role creates a missing account.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_scopes: str = "openid profile email"
    oidc_account_claim: str = "preferred_username"
    oidc_role_claim: str = ""
    oidc_role_map: dict[str, str] = {}
    oidc_label: str = "统一身份认证平台"

    # The bureau's signing key for issued PDFs (documents.signing_keys): PEM key + certificate,
    # or PKCS#12; the trust file holds the CA certificate(s) a signature must chain to. Unset:
    # the embedded mode (or signing_self_signed) makes a local bureau CA under {var_dir}/signing.
    signing_key_file: Path | None = None
    signing_cert_file: Path | None = None
    signing_pkcs12_file: Path | None = None
    signing_key_passphrase: str = ""
    signing_trust_file: Path | None = None
    signing_self_signed: bool = False  # allow the local CA outside the embedded mode (tests)
    signing_tsa_url: str = ""  # an RFC 3161 time-stamping authority; empty: no time stamp

    # Exchange with other platforms (exchange_adapters): unset URLs mean files under
    # {var_dir}/exchange (outbox/<kind>/*.json; projects.csv the known project codes).
    exchange_dir: Path | None = None
    exchange_report_url: str = ""  # the national EIA approval system's intake endpoint
    exchange_project_url: str = ""  # the investment platform (look-up and decision push)
    exchange_token: str = ""
    exchange_timeout_seconds: float = 10.0

    bureau_name: str = "郑州市生态环境局"
    bureau_area_code: str = "410100"
    # The bureau's 统一社会信用代码: the 颁发机构代码 in every electronic-licence identifier
    # (approvals/licences/elicence). The default is a fictional, check-valid demo code: set the
    # real one.
    bureau_uscc: str = "11410100MB1T7E5Q4B"

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.var_dir / 'eia.db'}"

    @property
    def resolved_storage_dir(self) -> Path:
        return self.storage_dir or self.var_dir / "objects"

    @property
    def resolved_outbox_dir(self) -> Path:
        return self.mail_outbox_dir or self.var_dir / "outbox"

    @property
    def is_embedded(self) -> bool:
        """SQLite, the filesystem store and the .eml outbox: what ``eia up`` runs on one host."""
        return (
            self.resolved_database_url.startswith("sqlite")
            and self.storage_backend is StorageBackend.FILESYSTEM
            and self.mail_backend is MailBackend.EML
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
