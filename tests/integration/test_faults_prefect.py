"""The Prefect server down: the API answers and records the work without calling it; a worker
keeps its claim with the error while the server is away, and runs the work once it is back.

Real: a Prefect server of the test's own (stopped and started again on the same port and
home), the API served by uvicorn in its own process on PostgreSQL, and the worker's drain
step (``flows.worker.drain_once`` with ``flows.prefect_flows.run_batch``, what ``eia worker``
loops on) in a process of its own with the production settings.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prefect.client.orchestration import get_client
from prefect.settings import PREFECT_API_URL, temporary_settings
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from approvals.seed import DEMO_PASSWORD, ensure_demo_accounts
from core.settings import PROJECT_ROOT
from models import Application, FlowDispatch
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
            "EIA_SIGNING_SELF_SIGNED": "true",  # the drained work signs PDFs (local bureau CA)
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


DRAIN = """
from flows.prefect_flows import run_batch
from flows.runtime import runtime
from flows.worker import drain_once

print(drain_once(runtime(), run_batch))
"""


def _drain(env: dict[str, str]) -> str:
    worker = subprocess.run(
        [sys.executable, "-c", DRAIN], cwd=PROJECT_ROOT, env=env, capture_output=True, timeout=180
    )
    assert worker.returncode == 0, worker.stderr.decode()[-3000:]
    return worker.stdout.decode().strip().splitlines()[-1]


def test_prefect_down_the_api_records_and_a_worker_runs_the_work_once_it_is_back(
    api: str, prefect: StoppablePrefect, postgres_url: str, postgres_engine: Engine, tmp_path: Path
) -> None:
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
        assert accepted.status_code == 200, accepted.text
        assert (
            client.get(f"/api/applications/{case_id}", headers=tokens["shouli"]).json()["status"]
            == "accepted"
        )
    with Session(postgres_engine) as session:
        row = session.exec(select(FlowDispatch)).one()
        assert (row.state, row.attempts, row.last_error) == ("pending", 0, "")  # never tried
        number = session.get(Application, case_id).number  # type: ignore[union-attr]

    env = (
        os.environ
        | prefect.server.env()
        | {
            "EIA_DATABASE_URL": postgres_url,
            "EIA_VAR_DIR": str(tmp_path / "var"),
            "EIA_WORKER_LEASE_SECONDS": "0",  # retake at once (production: a retry delay)
            "EIA_SIGNING_SELF_SIGNED": "true",  # the run signs the acceptance notice
            "PREFECT_CLIENT_MAX_RETRIES": "0",
        }
    )
    assert _drain(env) == "1"  # claimed, but the run could not start
    with Session(postgres_engine) as session:
        row = session.exec(select(FlowDispatch)).one()
        assert row.state == "claimed" and row.last_error and row.flow_run_id is None
        assert session.get(Application, case_id).status == "accepted"  # type: ignore[union-attr]

    prefect.start()  # same port, same home
    assert _drain(env) == "1"
    with Session(postgres_engine) as session:
        row = session.exec(select(FlowDispatch)).one()
        assert (row.state, row.attempts) == ("done", 2) and row.flow_run_id
        assert session.get(Application, case_id).status == "drafting"  # type: ignore[union-attr]
    with (
        temporary_settings({PREFECT_API_URL: prefect.server.api_url}),
        get_client(sync_client=True) as client,
    ):
        run = client.read_flow_run(row.flow_run_id)  # type: ignore[arg-type]
    assert number in run.tags and run.parameters == {"application_ids": [case_id]}
    print(f"\naccept answered in {answered_in:.2f} s with Prefect down")
