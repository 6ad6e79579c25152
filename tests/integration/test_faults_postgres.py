"""PostgreSQL restarted under load: requests fail cleanly, nothing is half-written, the service
recovers by itself.

Real: a PostgreSQL cluster of the test's own (initdb/pg_ctl; the shared one on :5432 is never
restarted), the API served by uvicorn in its own process (``api.asgi:app``), HTTP clients in
threads creating applications and reading the queue and the auditor's report while the
cluster is stopped (``pg_ctl -m fast``: every open connection is cut) and started again.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import Session, col, select

from approvals import audit
from approvals.seed import DEMO_PASSWORD, ensure_demo_accounts
from core.db import make_engine
from migrations.runner import upgrade
from models import Application, AuditEvent, SerialCounter, Status
from tests.fault_support import PrivatePostgres, wait_until
from tests.fixtures_servers import free_port
from tests.helpers import PROJECT, minimal_pdf

pytestmark = pytest.mark.integration

CLIENTS = 4


@pytest.fixture
def private_pg() -> Iterator[PrivatePostgres]:
    base = Path(tempfile.mkdtemp(prefix="eia-pg-"))
    pg = PrivatePostgres(base)
    try:
        pg.init()
        pg.start()
        engine = make_engine(pg.url)
        upgrade(engine)
        with Session(engine) as session:
            ensure_demo_accounts(session)
            session.commit()
        engine.dispose()
        yield pg
    finally:
        with contextlib.suppress(subprocess.SubprocessError):
            pg.stop("immediate")
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def api(private_pg: PrivatePostgres, tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = os.environ | {
        "EIA_DATABASE_URL": private_pg.url,
        "EIA_VAR_DIR": str(tmp_path / "var"),
        "EIA_SECRET_KEY": "pg-fault-secret-0123456789-abcdefghijkl",
        "EIA_PREFECT_API_URL": "http://127.0.0.1:9/api",  # dispatch fails: the sweep's job
        "PREFECT_CLIENT_MAX_RETRIES": "0",
    }
    log = tmp_path / "api.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "api.asgi:app", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:

        def healthy() -> bool:
            try:
                return httpx.get(f"{base}/api/health", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        assert wait_until(healthy, 60), log.read_text()[-3000:]
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


def _token(base: str, username: str) -> dict[str, str]:
    response = httpx.post(
        f"{base}/api/auth/token", data={"username": username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _judge(response: httpx.Response) -> str:
    """'ok', 'clean 503', or what is wrong with the answer."""
    if response.status_code in (200, 201):
        return "ok"
    if response.status_code != 503:
        return f"{response.status_code}: {response.text[:200]}"
    try:
        body: Any = response.json()
    except ValueError:
        return f"503 not JSON: {response.text[:200]}"
    if set(body) != {"error", "message", "message_en", "details"}:
        return f"503 with another schema: {body}"
    message = body["message"]
    chinese = any("\u4e00" <= c <= "\u9fff" for c in message)
    if body["error"] != "service_unavailable" or not chinese:
        return f"503 without a Chinese message: {body}"
    if "Traceback" in response.text or "psycopg" in response.text:
        return f"503 leaking internals: {body}"
    if response.headers.get("Retry-After") is None:
        return "503 without Retry-After"
    return "clean 503"


def test_postgres_restarted_under_load(api: str, private_pg: PrivatePostgres) -> None:
    applicant, intake, auditor = (_token(api, u) for u in ("qiye", "shouli", "jiancha"))
    item = httpx.get(f"{api}/api/items/{PROJECT['item_code']}").json()
    materials = [m["code"] for m in item["materials"] if m["required"]]
    outcomes: Counter[str] = Counter()
    created_ok: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def record(kind: str, response: httpx.Response | None, error: str = "") -> bool:
        verdict = error or _judge(response)  # type: ignore[arg-type]
        with lock:
            outcomes[verdict] += 1
            if kind == "create" and verdict == "ok" and response is not None:
                created_ok.append(response.json()["number"])
        return verdict == "ok"

    def call(kind: str, send: Callable[[], httpx.Response]) -> httpx.Response | None:
        try:
            response = send()
        except httpx.HTTPError as exc:  # a reset connection is not a clean failure either
            record(kind, None, f"transport error {type(exc).__name__}")
            return None
        return response if record(kind, response) else None

    def load(index: int) -> None:
        """An applicant creating, filling in and submitting cases (audited), staff reading
        the queue, the auditor the report; a failed step abandons that case."""
        with httpx.Client(base_url=api, timeout=30) as client:
            for n in itertools.count():
                if stop.is_set():
                    return
                body = PROJECT | {"project_name": f"重启测试{index}-{n}"}
                key = {"Idempotency-Key": f"pg-fault-{index}-{n}-{uuid.uuid4().hex[:6]}"}
                call("queue", lambda: client.get("/api/queue", headers=intake))
                call("report", lambda: client.get("/api/audit/turnaround", headers=auditor))
                created = call(
                    "create",
                    lambda b=body, k=key: client.post(
                        "/api/applications", json=b, headers=applicant | k
                    ),
                )
                if created is None:
                    continue
                case = created.json()["id"]
                for code in materials:
                    url = f"/api/applications/{case}/materials/{code}"
                    files = {"file": (f"{code}.pdf", minimal_pdf(code), "application/pdf")}
                    if (
                        call(
                            "upload",
                            lambda u=url, f=files: client.put(u, files=f, headers=applicant),
                        )
                        is None
                    ):
                        break
                else:
                    url = f"/api/applications/{case}/submit"
                    call("submit", lambda u=url: client.post(u, headers=applicant))

    threads = [threading.Thread(target=load, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(2)
        private_pg.stop("fast")  # cuts every connection, in-flight transactions included
        time.sleep(2)
        private_pg.start()
        recovered_at = time.monotonic()

        def answering() -> bool:
            with lock:
                before = outcomes["ok"]
            time.sleep(0.5)
            with lock:
                return outcomes["ok"] > before

        assert wait_until(answering, 30), outcomes
        time.sleep(1)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    recovery = time.monotonic() - recovered_at
    bad = {verdict: n for verdict, n in outcomes.items() if verdict not in ("ok", "clean 503")}
    assert bad == {}, outcomes
    assert outcomes["clean 503"] > 0, f"the restart was not noticed: {outcomes}"

    # Nothing half-written: the counters, the rows and the audit chain agree.
    engine = make_engine(private_pg.url)
    try:
        with Session(engine) as session:
            numbers = session.exec(select(Application.number)).all()
            assert set(created_ok) <= set(numbers)  # every acknowledged create is there
            counters = session.exec(
                select(SerialCounter).where(col(SerialCounter.scope).startswith("application:"))
            ).all()
            assert sum(c.last_value for c in counters) == len(numbers)  # no number lost
            serials = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
            assert serials == list(range(1, len(numbers) + 1))  # gapless (one day, one area)
            submitted = session.exec(
                select(Application.id).where(Application.status == Status.SUBMITTED)
            ).all()
            submits = session.exec(
                select(AuditEvent.application_id).where(AuditEvent.action == "submit")
            ).all()
            assert submitted and sorted(submits) == sorted(submitted)  # each with its event
            assert audit.first_broken_event(session) is None  # the chain is whole
    finally:
        engine.dispose()
    print(f"\noutcomes {dict(outcomes)}; answering again {recovery:.1f} s after the start")
