"""Behind a TLS-terminating proxy: the API server that ``eia up`` runs trusts the proxy's
``X-Forwarded-Proto`` from ``EIA_FORWARDED_ALLOW_IPS`` only, and the session cookie is
``Secure`` when the original request was HTTPS."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.app import create_app
from approvals.seed import DEMO_PASSWORD
from cli.api_server import api_server_options
from core.settings import DispatchMode, Settings
from flows.inline import InlineLauncher
from flows.runtime import Runtime
from tests.fixtures_servers import free_port

HTTPS = {"X-Forwarded-Proto": "https"}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """A plain-HTTP public URL: only the proxy's header can make the cookie Secure."""
    return Settings(
        var_dir=tmp_path / "var",
        dispatch_mode=DispatchMode.INLINE,
        secret_key="proxy-test-secret-key-0123456789abcdef",
        public_base_url="http://eia.example",
    )


@contextmanager
def _served(app: Any, settings: Settings) -> Iterator[str]:
    port = free_port()
    config = uvicorn.Config(app, **api_server_options(settings, "127.0.0.1", port))
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _sign_in(base_url: str, headers: dict[str, str]) -> str:
    """The Set-Cookie header of a password sign-in through the login form."""
    with httpx.Client(base_url=base_url, timeout=30) as http:  # a loaded machine: argon2
        form = http.get("/login", headers=headers)
        token = re.search(r'name="csrf_token" value="([^"]*)"', form.text)
        pre_session = "; ".join(f"{k}={v}" for k, v in form.cookies.items())
        response = http.post(
            "/login",
            data={
                "username": "qiye",
                "password": DEMO_PASSWORD,
                "csrf_token": token.group(1) if token else "",
            },
            headers=headers | {"Cookie": pre_session},
        )
    assert response.status_code == 303, response.text
    return response.headers["set-cookie"].lower()


def test_the_session_cookie_is_secure_only_when_a_trusted_proxy_says_https(
    client: TestClient, settings: Settings
) -> None:
    assert settings.forwarded_allow_ips == "127.0.0.1"  # the documented default
    with _served(client.app, settings) as base_url:
        assert "secure" in _sign_in(base_url, HTTPS)
        assert "secure" not in _sign_in(base_url, {})


def test_a_proxy_header_from_an_untrusted_address_is_ignored(
    client: TestClient, settings: Settings
) -> None:
    elsewhere = settings.model_copy(update={"forwarded_allow_ips": "192.0.2.7"})
    with _served(client.app, elsewhere) as base_url:
        assert "secure" not in _sign_in(base_url, HTTPS)


def test_an_https_public_url_makes_the_cookie_secure_without_a_proxy(
    runtime: Runtime, seeded: Engine, settings: Settings
) -> None:
    public = settings.model_copy(update={"public_base_url": "https://eia.example"})
    app = create_app(
        public,
        engine=runtime.engine,
        store=runtime.store,
        catalogue=runtime.catalogue,
        clock=runtime.clock,
        launcher=InlineLauncher(runtime),
    )
    with _served(app, public) as base_url:
        assert "secure" in _sign_in(base_url, {})
