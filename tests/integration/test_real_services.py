"""One report book through the real parts: PostgreSQL, the SeaweedFS S3 server, the aiosmtpd
SMTP server, a Prefect server and a worker (``python -m flows.serve``) that claims the work
the API recorded and runs it as ``advance-cases`` flow runs (no flow runs in the test)."""

from __future__ import annotations

import hashlib
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterTags
from prefect.deployments import run_deployment
from prefect.settings import PREFECT_API_URL, temporary_settings
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.app import create_app
from approvals.casework import cases
from approvals.catalogue import load_catalogue
from approvals.clock import SystemClock
from approvals.seed import ensure_demo_accounts
from core.db import session_scope
from core.settings import DispatchMode, MailBackend, Settings, StorageBackend
from models import FlowDispatch, User
from storage import S3Store
from tests.fixtures_db import wipe
from tests.fixtures_prefect import PrefectServer, start_worker, stop
from tests.helpers import create_submitted, sign_in
from tests.notice_time import agree_and_end_pre_approval, end_notices_of_app

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def stack(
    postgres_url: str,
    postgres_engine: Engine,
    s3_server: Any,
    smtp_server: Any,
    prefect_server: PrefectServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, Any]]:
    settings = Settings(
        var_dir=tmp_path_factory.mktemp("var"),
        database_url=postgres_url,
        storage_backend=StorageBackend.S3,
        s3_endpoint=s3_server.endpoint,
        s3_access_key=s3_server.access_key,
        s3_secret_key=s3_server.secret_key,
        s3_bucket="eia-it",
        mail_backend=MailBackend.SMTP,
        smtp_host=smtp_server.host,
        smtp_port=smtp_server.port,
        dispatch_mode=DispatchMode.PREFECT,
        secret_key="integration-secret-0123456789-abcdefgh",
        smtp_anonymous_relay=True,  # the test SMTP server takes no credentials
        signing_self_signed=True,  # a local bureau CA in var_dir (documents.signing_keys)
    )
    env = {
        "EIA_DATABASE_URL": postgres_url,
        "EIA_STORAGE_BACKEND": "s3",
        "EIA_S3_ENDPOINT": s3_server.endpoint,
        "EIA_S3_ACCESS_KEY": s3_server.access_key,
        "EIA_S3_SECRET_KEY": s3_server.secret_key,
        "EIA_S3_BUCKET": "eia-it",
        "EIA_MAIL_BACKEND": "smtp",
        "EIA_SMTP_HOST": smtp_server.host,
        "EIA_SMTP_PORT": str(smtp_server.port),
        "EIA_SMTP_ANONYMOUS_RELAY": "true",
        "EIA_SIGNING_SELF_SIGNED": "true",
        "EIA_VAR_DIR": str(settings.var_dir),
    }
    wipe(postgres_engine)
    with session_scope(postgres_engine) as session:
        ensure_demo_accounts(session)
        session.commit()
    log = Path(settings.var_dir) / "worker.log"
    worker = start_worker(prefect_server, env, log)
    try:
        with temporary_settings({PREFECT_API_URL: prefect_server.api_url}):
            _wait_for_deployments(worker, log)
            store = S3Store.from_settings(settings)
            app = create_app(settings, engine=postgres_engine, store=store)
            with TestClient(app) as client:
                yield {
                    "client": client,
                    "settings": settings,
                    "store": store,
                    "engine": postgres_engine,
                    "server": prefect_server,
                }
    finally:
        stop(worker)


def _wait_for_deployments(worker: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            if worker.poll() is not None:
                pytest.fail(f"the worker exited:\n{log.read_text()[-3000:]}")
            names = {d.name for d in client.read_deployments()}
            if {"advance-standard-review", "sweep-outbox"} <= names:
                return
            time.sleep(0.5)
    pytest.fail(f"deployments not served after 90 s:\n{log.read_text()[-3000:]}")


def _wait_status(
    client: TestClient, headers: dict[str, str], case_id: int, status: str
) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        detail = client.get(f"/api/applications/{case_id}", headers=headers).json()
        if detail["status"] == status:
            return detail
        time.sleep(0.25)
    pytest.fail(f"case {case_id} did not reach {status!r}; it is {detail['status']!r}")


def test_report_book_is_issued_by_the_worker_and_mailed_over_smtp(
    stack: dict[str, Any], smtp_server: Any
) -> None:
    client: TestClient = stack["client"]
    applicant, intake = sign_in(client, "qiye"), sign_in(client, "shouli")
    case = create_submitted(client, applicant)
    smtp_server.clear()
    assert client.post(f"/api/applications/{case['id']}/accept", headers=intake).status_code == 200
    _wait_status(client, intake, case["id"], "drafting")

    officer, chief, leader = (
        sign_in(client, "chengban"),
        sign_in(client, "kezhang"),
        sign_in(client, "lingdao"),
    )
    end_notices_of_app(client.app, case["id"])
    client.post(
        f"/api/applications/{case['id']}/decision",
        headers=officer,
        json={"outcome": "approve", "conditions": ["严格落实报告书提出的各项污染防治措施。"]},
    )
    client.post(f"/api/applications/{case['id']}/review/approve", headers=chief, json={})
    agree_and_end_pre_approval(client, case["id"], case["item_code"])
    signed_at = time.monotonic()
    assert (
        client.post(f"/api/applications/{case['id']}/sign", headers=leader, json={}).status_code
        == 200
    )
    detail = _wait_status(client, applicant, case["id"], "approved")
    smtp_server.wait_for(2, timeout=60)
    sign_to_mail = time.monotonic() - signed_at

    approval = next(d for d in detail["documents"] if d["kind"] == "approval")
    mail = next(m for m in smtp_server.messages if approval["number"] in str(m["Subject"]))
    assert mail["To"] == "qiye@lvyuan.example"
    attachment = next(mail.iter_attachments())
    pdf = attachment.get_content()
    assert hashlib.sha256(pdf).hexdigest() == approval["sha256"]
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    compact = "".join(text.split())
    assert approval["number"] in compact and case["project_name"] in compact

    serial = approval["number"].split("〕")[1].rstrip("号")
    key = f"documents/2026/郑环审/{serial}-{approval['sha256'][:16]}.pdf"
    assert stack["store"].get(key) == pdf  # the mailed bytes are the stored bytes

    # The mail goes out in the run's last task; Prefect records the run as completed a moment
    # later, so wait for both runs (acceptance, sign-off) to reach a final state.
    tags = FlowRunFilter(tags=FlowRunFilterTags(all_=[case["number"], "EIA-01"]))
    deadline = time.monotonic() + 60
    with get_client(sync_client=True) as prefect:
        runs = prefect.read_flow_runs(flow_run_filter=tags)
        while time.monotonic() < deadline and not all(r.state and r.state.is_final() for r in runs):
            time.sleep(0.5)
            runs = prefect.read_flow_runs(flow_run_filter=tags)
        flows = {prefect.read_flow(r.flow_id).name for r in runs}
    assert len(runs) == 2 and all(r.state and r.state.is_completed() for r in runs)
    assert flows == {"advance-cases"}  # run in the worker's process, not a deployment run each
    with session_scope(stack["engine"]) as session:
        rows = session.exec(
            select(FlowDispatch).where(FlowDispatch.application_id == case["id"])
        ).all()
    assert {r.state for r in rows} == {"done"} and {r.flow_run_id for r in rows} == {
        str(r.id) for r in runs
    }
    durations = sorted(
        (r.end_time - r.start_time).total_seconds()  # type: ignore[operator]
        for r in runs
    )
    print(f"\nflow runs: {durations} s; sign-off→mail received {sign_to_mail:.1f} s")


def test_the_sweep_drives_a_case_whose_request_was_lost_once_it_is_older_than_the_cutoff(
    stack: dict[str, Any],
) -> None:
    """A case left in an automated state without a request (as a lost request would leave
    it): the served ``sweep-outbox`` deployment finds it stuck and carries it on."""
    client: TestClient = stack["client"]
    applicant, intake = sign_in(client, "qiye"), sign_in(client, "shouli")
    case = create_submitted(client, applicant, project_name="请求丢失的项目")
    with session_scope(stack["engine"]) as session:
        cases.accept(session, SystemClock(), load_catalogue(), _user(session, "shouli"), case["id"])
        session.execute(delete(FlowDispatch).where(col(FlowDispatch.application_id) == case["id"]))
        session.commit()
    assert (
        client.get(f"/api/applications/{case['id']}", headers=intake).json()["status"] == "accepted"
    )
    run = run_deployment(
        "sweep-outbox/sweep-outbox", parameters={"stale_after_seconds": 0}, timeout=120
    )
    assert run.state is not None and run.state.is_completed(), run.state  # type: ignore[union-attr]
    _wait_status(client, intake, case["id"], "drafting")


def _user(session: Session, username: str) -> User:
    return session.exec(select(User).where(User.username == username)).one()
