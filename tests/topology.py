"""The production topology as processes on one machine: API processes behind one address
(``uvicorn --workers N``), ``eia worker`` processes, a Prefect server, a SeaweedFS S3 server
and an SMTP server, on a PostgreSQL database. Used by the scale-out test and by
``bench/issuing.py``; cases are prepared through the services up to the leader's sign-off."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from approvals.catalogue import Catalogue
from approvals.clock import FixedClock
from approvals.seed import DEMO_PASSWORD, ensure_demo_accounts
from core.settings import PROJECT_ROOT, Settings
from models import (
    Application,
    DispatchState,
    Document,
    DocumentKind,
    DocumentState,
    FlowDispatch,
    OutboxMail,
    Status,
    User,
)
from tests.fault_support import (
    StoppableS3,
    StoppableSmtp,
    fault_settings,
    reviewed_case,
    settings_env,
    stoppable_servers,
)
from tests.fixtures_servers import free_port


@dataclass
class Topology:
    base_url: str
    smtp: StoppableSmtp
    s3: StoppableS3
    prefect_url: str
    env: dict[str, str]
    settings: Settings
    pids: dict[str, list[int]] = field(default_factory=dict)

    def token(self, username: str) -> dict[str, str]:
        answer = httpx.post(
            f"{self.base_url}/api/auth/token",
            data={"username": username, "password": DEMO_PASSWORD},
            timeout=60,
        )
        answer.raise_for_status()
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _wait(url: str, processes: list[subprocess.Popen[bytes]], timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            raise AssertionError(f"exited early: {log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"not up after {timeout} s: {url}; {log.read_text()[-3000:]}")


def _spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            args, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def production_topology(
    base: Path,
    database_url: str,
    *,
    api_processes: int = 2,
    workers: int = 2,
    prefect: dict[str, str] | None = None,
    prefect_database_url: str | None = None,
) -> Iterator[Topology]:
    """Start everything (a Prefect server too, unless ``prefect`` gives a running one's
    environment; on ``prefect_database_url``, e.g. ``postgresql+asyncpg://…``, as in
    docker-compose.yml, else on SQLite in its home); stopped (processes terminated) when the
    block ends."""
    started: list[subprocess.Popen[bytes]] = []
    with ExitStack() as stack:
        smtp, s3 = stack.enter_context(stoppable_servers(base))
        settings = fault_settings(base / "var", database_url, smtp, s3)
        prefect_port = free_port()
        prefect_env = prefect or {
            "PREFECT_API_URL": f"http://127.0.0.1:{prefect_port}/api",
            "PREFECT_HOME": str(base / "prefect"),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_LOGGING_LEVEL": "WARNING",
        } | ({"PREFECT_API_DATABASE_CONNECTION_URL": prefect_database_url}
             if prefect_database_url and prefect is None else {})  # fmt: skip
        env = (
            dict(os.environ)
            | prefect_env
            | settings_env(settings)
            | {"EIA_SECRET_KEY": "topology-secret-0123456789-abcdefghijkl"}
            # on a shared Prefect server, deployments of their own (the sweeps' schedules)
            | ({"EIA_PREFECT_DEPLOYMENT_PREFIX": "topology-"} if prefect else {})
        )
        try:
            if prefect is None:
                server = _spawn(
                    [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                     "--port", str(prefect_port)],
                    env, base / "prefect.log",
                )  # fmt: skip
                started.append(server)
                health = f"{prefect_env['PREFECT_API_URL']}/health"
                _wait(health, [server], 120, base / "prefect.log")
            port = free_port()
            api = _spawn(
                [sys.executable, "-m", "uvicorn", "api.asgi:app", "--host", "127.0.0.1",
                 "--port", str(port), "--workers", str(api_processes), "--log-level", "warning"],
                env, base / "api.log",
            )  # fmt: skip
            started.append(api)
            worker_env = env | {"PREFECT_RUNNER_POLL_FREQUENCY": "1"}
            pool = [
                _spawn([sys.executable, "-m", "flows.serve"], worker_env, base / f"worker{n}.log")
                for n in range(workers)
            ]
            started += pool
            base_url = f"http://127.0.0.1:{port}"
            _wait(f"{base_url}/api/health", [api], 120, base / "api.log")
            topology = Topology(
                base_url,
                smtp,
                s3,
                prefect_env["PREFECT_API_URL"],
                env,
                settings,
                {"api": [api.pid], "worker": [w.pid for w in pool]}
                | ({"prefect": [started[0].pid]} if prefect is None else {}),
            )
            yield topology
        finally:
            for process in reversed(started):
                _stop(process)


def wait_issued(engine: Engine, count: int, timeout: float) -> bool:
    """Until ``count`` cases are approved and no mail is left unsent (a mail reaches the SMTP
    server a moment before its row is marked sent)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Session(engine) as session:
            statuses = session.exec(select(Application.status)).all()
            unsent = session.exec(
                select(OutboxMail.id).where(col(OutboxMail.sent_at).is_(None))
            ).all()
        if sum(s is Status.APPROVED for s in statuses) >= count and not unsent:
            return True
        time.sleep(0.2)
    return False


def cases_to_sign(engine: Engine, catalogue: Catalogue, clock: FixedClock, count: int) -> list[int]:
    """``count`` report books reviewed by the section chief, waiting for the leader's sign-off;
    their acceptance notices are marked issued and their requests done (a shortcut: the
    sign-off's decision is what is measured)."""
    ids = []
    with Session(engine) as session:
        ensure_demo_accounts(session)
        users = {u.username: u for u in session.exec(select(User))}
        for n in range(count):
            application = reviewed_case(session, clock, catalogue, users, f"扩容测试项目{n + 1}")
            assert application.id is not None
            ids.append(application.id)
        session.execute(
            update(Document)
            .where(col(Document.kind) == DocumentKind.ACCEPTANCE_NOTICE)
            .values(state=DocumentState.ISSUED)
        )
        session.execute(update(FlowDispatch).values(state=DispatchState.DONE))
        session.commit()
    return ids
