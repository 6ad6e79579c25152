"""The Prefect server down when the API dispatches: the API answers, the state is kept, the
sweep dispatches once the server is back.

Real: a Prefect server of the test's own (stopped and started again on the same port and
home), the API served by uvicorn in its own process on PostgreSQL with Prefect's default client
retries, the deployments registered on that server as the worker registers them, and the
sweep's dispatch step (``dispatch.pending_dispatches`` + ``dispatch.launch`` with the
``PrefectLauncher``, what ``sweep-outbox`` runs first). No worker: the flow run it creates is
the outcome looked at, not its execution (``test_real_services`` runs one).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from prefect.client.orchestration import get_client
from prefect.settings import PREFECT_API_URL, temporary_settings
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from approvals.seed import DEMO_PASSWORD, ensure_demo_accounts
from approvals.services import dispatch
from core.settings import PROJECT_ROOT
from models import Application, FlowDispatch
from orchestration.prefect_launcher import PrefectLauncher
from tests.fault_support import wait_until
from tests.fixtures_db import wipe
from tests.fixtures_prefect import PrefectServer, stop
from tests.fixtures_servers import free_port
from tests.helpers import PROJECT, minimal_pdf

pytestmark = pytest.mark.integration


class StoppablePrefect:
    def __init__(self, home: Path) -> None:
        self.server = PrefectServer(f"http://127.0.0.1:{free_port()}/api", home, 0.0)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        port = self.server.api_url.rsplit(":", 1)[1].split("/")[0]
        with (self.server.home / "server.log").open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                 "--port", port],
                env=os.environ | self.server.env(),
                stdout=out,
                stderr=subprocess.STDOUT,
            )  # fmt: skip

        def healthy() -> bool:
            try:
                return httpx.get(f"{self.server.api_url}/health", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        assert wait_until(healthy, 90, 0.25), (self.server.home / "server.log").read_text()[-2000:]

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None


@pytest.fixture
def prefect(tmp_path: Path) -> Iterator[StoppablePrefect]:
    home = Path(tempfile.mkdtemp(prefix="eia-prefect-fault-"))
    server = StoppablePrefect(home)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def api(
    prefect: StoppablePrefect, postgres_url: str, postgres_engine: Engine, tmp_path: Path
) -> Iterator[str]:
    wipe(postgres_engine)
    with Session(postgres_engine) as session:
        ensure_demo_accounts(session)
        session.commit()
    port = free_port()
    env = (
        os.environ
        | prefect.server.env()
        | {
            "EIA_DATABASE_URL": postgres_url,
            "EIA_VAR_DIR": str(tmp_path / "var"),
            "EIA_SECRET_KEY": "prefect-fault-secret-0123456789-abcdefgh",
            "EIA_PREFECT_API_URL": prefect.server.api_url,
        }
    )
    env.pop("PREFECT_CLIENT_MAX_RETRIES", None)  # Prefect's default retries, as deployed
    log = tmp_path / "api.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "api.asgi:app", "--port", str(port)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            return httpx.get(f"{base}/api/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        assert wait_until(healthy, 60), log.read_text()[-3000:]
        yield base
    finally:
        stop(server)


def _register_deployments(api_url: str) -> None:
    """What the worker does on start, without serving (no run is executed here)."""
    from flows.serve import deployments

    with temporary_settings({PREFECT_API_URL: api_url}):
        for deployment in deployments():
            deployment.apply()


def test_prefect_down_when_the_api_dispatches(
    api: str, prefect: StoppablePrefect, postgres_engine: Engine
) -> None:
    _register_deployments(prefect.server.api_url)
    with httpx.Client(base_url=api, timeout=60) as client:
        tokens = {}
        for user in ("qiye", "shouli"):
            answer = client.post(
                "/api/auth/token", data={"username": user, "password": DEMO_PASSWORD}
            )
            tokens[user] = {"Authorization": f"Bearer {answer.json()['access_token']}"}
        created = client.post("/api/applications", json=PROJECT, headers=tokens["qiye"])
        case_id = created.json()["id"]
        item = client.get(f"/api/items/{PROJECT['item_code']}").json()
        for code in [m["code"] for m in item["materials"] if m["required"]]:
            client.put(
                f"/api/applications/{case_id}/materials/{code}",
                files={"file": (f"{code}.pdf", minimal_pdf(code), "application/pdf")},
                headers=tokens["qiye"],
            )
        assert client.post(f"/api/applications/{case_id}/submit", headers=tokens["qiye"]).is_success

        prefect.stop()
        started = time.monotonic()
        accepted = client.post(f"/api/applications/{case_id}/accept", headers=tokens["shouli"])
        answered_in = time.monotonic() - started
        assert accepted.status_code == 200, accepted.text  # committed; dispatch comes after
        assert (
            client.get(f"/api/applications/{case_id}", headers=tokens["shouli"]).json()["status"]
            == "accepted"
        )

    def failed_attempt() -> bool:
        with Session(postgres_engine) as session:
            row = session.exec(select(FlowDispatch)).one()
            return row.attempts >= 1

    assert wait_until(failed_attempt, 120, 0.5), "the dispatch was never tried"
    with Session(postgres_engine) as session:
        row = session.exec(select(FlowDispatch)).one()
        assert (row.state, row.flow_run_id) == ("pending", None) and row.last_error
        number = session.get(Application, case_id).number  # type: ignore[union-attr]

    prefect.start()  # same port, same home: the deployments are still registered
    launcher = PrefectLauncher(api_url=prefect.server.api_url)
    with Session(postgres_engine) as session:
        for pending in dispatch.pending_dispatches(session, created_before=datetime.now(UTC)):
            assert dispatch.launch(session, launcher, datetime.now(UTC), pending.id)  # type: ignore[arg-type]
            session.commit()
        row = session.exec(select(FlowDispatch)).one()
        assert row.state == "dispatched" and row.flow_run_id
    with (
        temporary_settings({PREFECT_API_URL: prefect.server.api_url}),
        get_client(sync_client=True) as client,
    ):
        run = client.read_flow_run(row.flow_run_id)
    assert number in run.tags and run.parameters == {"application_id": case_id}
    print(f"\naccept answered in {answered_in:.2f} s with Prefect down")
