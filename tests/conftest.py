"""Fixtures shared by the whole suite: databases, servers, the app wired to them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.app import create_app
from approvals.catalogue import Catalogue, load_catalogue
from approvals.clock import SHANGHAI, FixedClock
from approvals.rooms import compose
from approvals.seed import ensure_demo_accounts
from approvals.timekeeping.schedule import install_overrides
from core.db import session_scope
from core.settings import DispatchMode, Settings
from flows.inline import InlineLauncher
from flows.runtime import Runtime
from mail import EmlFolderSender
from storage import FilesystemStore

compose()  # the features registered with the shared case logic, as every entrypoint does

pytest_plugins = ["tests.fixtures_servers", "tests.fixtures_db", "tests.fixtures_prefect"]


@pytest.fixture(autouse=True)
def _packaged_calendar() -> Iterator[None]:
    """Each test starts and ends with the packaged holiday schedule (no loaded overrides)."""
    install_overrides({})
    yield
    install_overrides({})


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture
def clock() -> FixedClock:
    """Friday 2026-11-20, 10:00 in Zhengzhou."""
    return FixedClock(datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        var_dir=tmp_path / "var",
        dispatch_mode=DispatchMode.INLINE,
        secret_key="test-secret-key-0123456789-abcdefghijkl",
        max_upload_bytes=2 * 1024 * 1024,
        public_base_url="https://eia.example",
    )


@pytest.fixture
def runtime(settings: Settings, engine: Engine, catalogue: Catalogue, clock: FixedClock) -> Runtime:
    """The flows' runtime on the test database, a filesystem store and an .eml outbox."""
    return Runtime(
        settings=settings,
        engine=engine,
        store=FilesystemStore(settings.resolved_storage_dir),
        sender=EmlFolderSender(settings.resolved_outbox_dir),
        catalogue=catalogue,
        clock=clock,
    )


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    with session_scope(engine) as session:
        ensure_demo_accounts(session)
        session.commit()
    return engine


@pytest.fixture
def client(runtime: Runtime, seeded: Engine) -> Iterator[TestClient]:
    app = create_app(
        runtime.settings,
        engine=runtime.engine,
        store=runtime.store,
        catalogue=runtime.catalogue,
        clock=runtime.clock,
        launcher=InlineLauncher(runtime),
    )
    # HTTPS like the public URL: the session cookie is Secure and only sent back over HTTPS.
    with TestClient(app, base_url="https://testserver") as test_client:
        yield test_client
