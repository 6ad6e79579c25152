"""The application on real servers with flows run in process: PostgreSQL, SeaweedFS S3 and the
aiosmtpd SMTP server, on a fixed clock. Shared by the tests that drive every item or every
document kind through the real issuing path."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.app import create_app
from approvals.catalogue import Catalogue
from approvals.clock import SHANGHAI, FixedClock
from approvals.joint_review.expert_pool import ensure_expert_pool
from approvals.seed import ensure_demo_accounts
from core.db import session_scope
from core.settings import DispatchMode, MailBackend, Settings, StorageBackend
from flows.inline import InlineLauncher
from flows.runtime import Runtime
from mail import SmtpSender
from storage import S3Store
from tests.fixtures_db import wipe


@contextmanager
def real_stack(
    engine: Engine,
    s3_server: Any,
    smtp_server: Any,
    *,
    var_dir: Path,
    bucket: str,
    catalogue: Catalogue,
) -> Iterator[tuple[TestClient, S3Store, Runtime]]:
    """A wiped database with the demo accounts and expert pool, the app on it, its runtime."""
    settings = Settings(
        var_dir=var_dir,
        database_url="unused",
        storage_backend=StorageBackend.S3,
        s3_endpoint=s3_server.endpoint,
        s3_access_key=s3_server.access_key,
        s3_secret_key=s3_server.secret_key,
        s3_bucket=bucket,
        mail_backend=MailBackend.SMTP,
        smtp_host=smtp_server.host,
        smtp_port=smtp_server.port,
        dispatch_mode=DispatchMode.INLINE,
        secret_key=f"{bucket}-secret-0123456789-abcdefghijklmnop",
        smtp_anonymous_relay=True,  # the test SMTP server takes no credentials
        signing_self_signed=True,  # a local bureau CA in var_dir (documents.signing_keys)
    )
    wipe(engine)
    with session_scope(engine) as session:
        ensure_demo_accounts(session)
        ensure_expert_pool(session)
        session.commit()
    store = S3Store.from_settings(settings)
    store.check()
    runtime = Runtime(
        settings=settings,
        engine=engine,
        store=store,
        sender=SmtpSender(smtp_server.host, smtp_server.port),
        catalogue=catalogue,
        clock=FixedClock(datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)),
    )
    app = create_app(
        settings,
        engine=engine,
        store=store,
        catalogue=catalogue,
        clock=runtime.clock,
        launcher=InlineLauncher(runtime),
    )
    with TestClient(app) as client:
        yield client, store, runtime
