"""CPU per request of the API in process, on PostgreSQL: read (a case's detail, bearer token),
write (create a draft), the applicant's case page (cookie), one request at a time. Run it from
two checkouts one after the other to compare a change in the same conditions
(load-independent enough to compare, unlike req/s on a shared machine).

Two figures per scenario: through ``TestClient`` (whose own overhead, an HTTP client and a
thread hop per request, is included: the figure earlier runs quote), and straight through the
ASGI app on an event loop (``asgi``: the app's own cost, as under uvicorn less the HTTP
parsing). ``--profile DIR`` then runs each scenario again under cProfile (each thread's CPU
time), on the event loop's
thread and on every worker thread that runs the sync dependencies and endpoints, and writes
``DIR/<scenario>.prof`` (``python -m pstats``) and the top functions to the terminal.

    .venv/bin/python bench/api_cpu.py [requests per scenario, default 200] [--profile DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from starlette.types import ASGIApp, Message

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.app import create_app
from approvals.catalogue import load_catalogue
from approvals.clock import SHANGHAI, FixedClock
from approvals.seed import DEMO_PASSWORD
from core.db import make_engine
from core.settings import DispatchMode, Settings
from migrations.runner import upgrade
from tests.helpers import PROJECT, page_form_token
from tests.topology import cases_to_sign

PG = "postgresql+psycopg://postgres@127.0.0.1:5432"
Scenario = tuple[str, str, str, dict[str, str], Any]


async def _asgi_request(
    app: ASGIApp, method: str, path: str, headers: dict[str, str], body: bytes
) -> int:
    """One request straight through the app; its status."""
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    raw += [(b"host", b"testserver"), (b"content-length", str(len(body)).encode())]
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": raw, "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80), "state": {},
    }  # fmt: skip
    sent = False
    status = 0

    async def receive() -> Message:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)  # a disconnect never comes while the app answers
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


def _asgi_run(app: ASGIApp, scenario: Scenario, n: int) -> None:
    _, method, path, headers, body = scenario
    data = b"" if body is None else __import__("json").dumps(body).encode()
    if body is not None:
        headers = headers | {"content-type": "application/json"}

    async def loop() -> None:
        for _ in range(n):
            status = await _asgi_request(app, method, path, headers, data)
            assert status in (200, 201), status

    asyncio.run(loop())


def _profiled(app: ASGIApp, scenario: Scenario, n: int) -> pstats.Stats:
    """``n`` requests under cProfile on every thread that runs them (the loop's and the
    worker threads the loop starts, each profiled from its first call)."""
    profiles: list[cProfile.Profile] = []
    lock = threading.Lock()

    def start_in_thread(*_: object) -> None:
        profile = cProfile.Profile(time.thread_time)
        with lock:
            profiles.append(profile)
        profile.enable()  # replaces this hook for the rest of the thread

    main = cProfile.Profile(time.thread_time)  # CPU, not waiting
    threading.setprofile(start_in_thread)
    try:
        main.enable()
        _asgi_run(app, scenario, n)
        main.disable()
    finally:
        threading.setprofile(None)  # type: ignore[arg-type]  # None removes the hook
    stats = pstats.Stats(main)
    for profile in profiles:
        stats.add(profile)
    return stats


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("requests", type=int, nargs="?", default=200, help="per scenario")
    parser.add_argument("--profile", type=Path, help="write cProfile stats here")
    args = parser.parse_args()
    name = f"eia_cpu_{uuid.uuid4().hex[:8]}"
    admin = create_engine(f"{PG}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        engine = make_engine(f"{PG}/{name}")
        upgrade(engine)
        clock = FixedClock(datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI))
        (case_id,) = cases_to_sign(engine, load_catalogue(), clock, 1)
        settings = Settings(
            database_url=f"{PG}/{name}",
            var_dir=Path(tempfile.mkdtemp(prefix="eia-cpu-")),
            dispatch_mode=DispatchMode.PREFECT,
            secret_key="bench-secret-0123456789-abcdefghijklmn",
        )
        app = create_app(settings, engine=engine)
        with TestClient(app) as http:
            token = http.post(
                "/api/auth/token", data={"username": "qiye", "password": DEMO_PASSWORD}
            ).json()["access_token"]
            h = {"Authorization": f"Bearer {token}"}
            http.post(
                "/login",
                data={
                    "username": "qiye",
                    "password": DEMO_PASSWORD,
                    "csrf_token": page_form_token(http),
                },
            )
            cookie = {"Cookie": f"eia_session={http.cookies['eia_session']}"}
            http.cookies.clear()
            n = args.requests
            scenarios: list[Scenario] = [
                ("read", "GET", f"/api/applications/{case_id}", h, None),
                ("write", "POST", "/api/applications", h, PROJECT),
                ("case page", "GET", f"/cases/{case_id}", cookie, None),
            ]
            for label, method, path, headers, body in scenarios:
                for _ in range(20):
                    answer = http.request(method, path, headers=headers, json=body)
                    assert answer.status_code in (200, 201), answer.text
                t, w = time.process_time(), time.perf_counter()
                for _ in range(n):
                    http.request(method, path, headers=headers, json=body)
                cpu_ms = (time.process_time() - t) / n * 1000
                wall_ms = (time.perf_counter() - w) / n * 1000
                _asgi_run(app, (label, method, path, headers, body), 20)
                t = time.process_time()
                _asgi_run(app, (label, method, path, headers, body), n)
                asgi_ms = (time.process_time() - t) / n * 1000
                print(
                    f"{label:9} {cpu_ms:5.1f} CPU-ms/req  {wall_ms:6.1f} ms wall/req"
                    f"  asgi {asgi_ms:5.1f} CPU-ms/req",
                    flush=True,
                )
        if args.profile:
            args.profile.mkdir(parents=True, exist_ok=True)
            for scenario in scenarios:
                stats = _profiled(app, scenario, n)
                stats.dump_stats(args.profile / f"{scenario[0].replace(' ', '-')}.prof")
                print(f"--- {scenario[0]}: {n} requests, cumulative", flush=True)
                stats.sort_stats("cumulative").print_stats(40)
    finally:
        engine.dispose()
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
