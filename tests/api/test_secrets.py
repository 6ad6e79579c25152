"""Secrets: no usable default key. The embedded mode keeps its own random key in var/ (0600);
every other mode refuses to start without a strong ``EIA_SECRET_KEY`` and real S3/SMTP
credentials, at every entry point that serves."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.app import create_app
from approvals.seed import DEMO_PASSWORD
from core.settings import DispatchMode, Settings
from flows.inline import InlineLauncher
from flows.runtime import Runtime
from models import User

# The key core/settings.py published as its default until this change, and the fallback
# docker-compose.yml used: anyone could sign tokens with them.
OLD_DEFAULT_KEY = "dev-only-change-me-0123456789abcdef"
OLD_COMPOSE_KEY = "change-me-to-a-long-random-secret"
STRONG_KEY = "k" * 40


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """What ``eia up`` runs: the embedded defaults and no EIA_SECRET_KEY at all."""
    return Settings(var_dir=tmp_path / "var", dispatch_mode=DispatchMode.INLINE)


def _app(runtime: Runtime, settings: Settings | None = None) -> Any:
    return create_app(
        settings or runtime.settings,
        engine=runtime.engine,
        store=runtime.store,
        catalogue=runtime.catalogue,
        clock=runtime.clock,
        launcher=InlineLauncher(runtime),
    )


def _password_token(client: TestClient, username: str) -> str:
    response = client.post(
        "/api/auth/token", data={"username": username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def _admin_id(engine: Engine) -> int:
    with Session(engine) as session:
        admin = session.exec(select(User).where(User.username == "admin")).one()
        assert admin.id is not None
        return admin.id


@pytest.mark.parametrize("key", [OLD_DEFAULT_KEY, OLD_COMPOSE_KEY])
def test_a_token_forged_with_a_published_key_is_refused(
    client: TestClient, seeded: Engine, key: str
) -> None:
    admin_id = _admin_id(seeded)
    forger = URLSafeTimedSerializer(key, salt="eia-auth-token")
    for payload in ({"u": admin_id, "g": 0}, {"s": "forged-session", "u": admin_id}):
        forged = forger.dumps(payload)
        me = client.get("/api/me", headers={"Authorization": f"Bearer {forged}"})
        assert me.status_code == 401, me.text
        client.cookies.set("eia_session", forged)
        page = client.get("/queue", follow_redirects=False)
        client.cookies.clear()
        assert page.status_code == 303 and page.headers["location"].startswith("/login")


def test_the_embedded_key_is_created_private_and_reused_after_a_restart(
    client: TestClient, runtime: Runtime, settings: Settings
) -> None:
    key_file = settings.var_dir / "secret_key"
    assert key_file.is_file()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    assert len(key) >= 32 and key not in (OLD_DEFAULT_KEY, OLD_COMPOSE_KEY)
    token = _password_token(client, "shouli")

    with TestClient(_app(runtime, settings)) as restarted:
        me = restarted.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["username"] == "shouli"
    assert key_file.read_text().strip() == key


def test_an_embedded_key_file_others_can_read_is_refused(
    runtime: Runtime, settings: Settings
) -> None:
    key_file = settings.var_dir / "secret_key"
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_text("x" * 48)
    key_file.chmod(0o644)
    with pytest.raises(ValueError, match="chmod 600"):
        _app(runtime, settings)


@pytest.mark.parametrize(
    ("values", "variable"),
    [
        ({"database_url": "postgresql+psycopg://eia@db.example/eia"}, "EIA_SECRET_KEY"),
        ({"storage_backend": "s3", "s3_access_key": "eia-ak", "s3_secret_key": "eia-sk-123456"},
         "EIA_SECRET_KEY"),
        ({"mail_backend": "smtp", "smtp_username": "eia", "smtp_password": "pw-123456"},
         "EIA_SECRET_KEY"),
        ({"database_url": "postgresql+psycopg://eia@db.example/eia", "secret_key": "s" * 31},
         "EIA_SECRET_KEY"),
        ({"database_url": "postgresql+psycopg://eia@db.example/eia", "secret_key": OLD_COMPOSE_KEY},
         "EIA_SECRET_KEY"),
        ({"secret_key": OLD_DEFAULT_KEY}, "EIA_SECRET_KEY"),
        ({"storage_backend": "s3", "secret_key": STRONG_KEY}, "EIA_S3_ACCESS_KEY"),
        ({"storage_backend": "s3", "secret_key": STRONG_KEY, "s3_access_key": "minioadmin",
          "s3_secret_key": "minioadmin"}, "EIA_S3_ACCESS_KEY"),
        ({"storage_backend": "s3", "secret_key": STRONG_KEY, "s3_access_key": "eia-ak"},
         "EIA_S3_SECRET_KEY"),
        ({"mail_backend": "smtp", "secret_key": STRONG_KEY}, "EIA_SMTP_USERNAME"),
        ({"mail_backend": "smtp", "secret_key": STRONG_KEY, "smtp_username": "eia"},
         "EIA_SMTP_PASSWORD"),
    ],
)  # fmt: skip
def test_a_served_mode_without_its_secrets_refuses_to_start_naming_the_variable(
    runtime: Runtime, tmp_path: Path, values: dict[str, Any], variable: str
) -> None:
    settings = Settings(var_dir=tmp_path / "other", dispatch_mode=DispatchMode.INLINE, **values)
    with pytest.raises(ValueError, match=variable):
        _app(runtime, settings)
    assert not (tmp_path / "other" / "secret_key").exists()  # no key invented outside embedded


def test_an_anonymous_smtp_relay_must_be_declared(runtime: Runtime, tmp_path: Path) -> None:
    settings = Settings(
        var_dir=tmp_path / "relay",
        dispatch_mode=DispatchMode.INLINE,
        mail_backend="smtp",  # type: ignore[arg-type]
        secret_key=STRONG_KEY,
        smtp_anonymous_relay=True,
    )
    with TestClient(_app(runtime, settings)) as client:
        assert client.get("/api/health").status_code == 200


# --- the production entry points, as processes -------------------------------------------------


@pytest.fixture
def clean_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment without any EIA_* variable, run from an empty directory (no .env)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EIA_", "PREFECT_"))}
    yield env | {"EIA_VAR_DIR": str(tmp_path / "var"), "PREFECT_API_URL": "http://127.0.0.1:9/api"}


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_uvicorn_on_postgres_without_a_key_refuses_to_import_the_app(
    clean_env: dict[str, str], tmp_path: Path
) -> None:
    env = clean_env | {"EIA_DATABASE_URL": "postgresql+psycopg://eia@127.0.0.1:9/eia"}
    result = _run(["-c", "import api.asgi"], env, tmp_path)
    assert result.returncode != 0
    assert "EIA_SECRET_KEY" in result.stderr, result.stderr[-2000:]


def test_eia_up_on_postgres_without_a_key_refuses_to_start(
    clean_env: dict[str, str], tmp_path: Path
) -> None:
    env = clean_env | {"EIA_DATABASE_URL": "postgresql+psycopg://eia@127.0.0.1:9/eia"}
    result = _run(["-m", "cli.main", "up", "--port", "9"], env, tmp_path)
    assert result.returncode != 0
    assert "EIA_SECRET_KEY" in result.stdout + result.stderr, result.stderr[-2000:]


def test_eia_worker_with_the_minio_default_credentials_refuses_to_start(
    clean_env: dict[str, str], tmp_path: Path
) -> None:
    env = clean_env | {
        "EIA_STORAGE_BACKEND": "s3",
        "EIA_S3_ACCESS_KEY": "minioadmin",
        "EIA_S3_SECRET_KEY": "minioadmin",
    }
    result = _run(["-m", "cli.main", "worker"], env, tmp_path)
    assert result.returncode != 0
    assert "EIA_S3_ACCESS_KEY" in result.stdout + result.stderr, result.stderr[-2000:]
