"""The API against a bare FastAPI + SQLModel app (``bench/bare_app.py``) on the same
PostgreSQL, with the same client (``bench/loadgen.py``, 16 keep-alive connections), one
uvicorn process each (``--workers N``: N each), one after the other:

* read: an application's detail (``GET /api/applications/{id}``, the applicant's bearer token)
  against ``GET /items/{id}``;
* write: create a draft (``POST /api/applications``) against ``POST /items``;
* the applicant's case page (``GET /cases/{id}``, signed in with the page cookie).

Prints req/s, p50/p99 and the API/bare ratios; ``--profile DIR`` records the API process with
py-spy during each API scenario (``bench/stacks.py`` summarises).

    .venv/bin/python bench/api_vs_bare.py [--seconds 10] [--connections 16] [--workers 1]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from approvals.catalogue import load_catalogue
from approvals.clock import SHANGHAI, FixedClock
from approvals.seed import DEMO_PASSWORD
from bench import loadgen, procstat
from core.db import make_engine
from core.settings import PROJECT_ROOT
from migrations.runner import upgrade
from tests.fixtures_servers import free_port
from tests.helpers import PROJECT, page_form_token
from tests.topology import cases_to_sign

PG = "postgresql+psycopg://postgres@127.0.0.1:5432"


def _serve(
    app: str, env: dict[str, str], log: Path, workers: int = 1
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
             "--workers", str(workers), "--log-level", "warning", "--no-access-log"],
            cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300  # a loaded machine imports slowly
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/docs", timeout=2)
            return process, base
        except httpx.HTTPError:
            if process.poll() is not None:
                raise AssertionError(log.read_text()[-3000:]) from None
            time.sleep(0.2)
    raise AssertionError(f"{app} not up: {log.read_text()[-3000:]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--profile", type=Path)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn processes per app")
    args = parser.parse_args()
    name = f"eia_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(f"{PG}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"{PG}/{name}"
    engine = make_engine(url)
    base_dir = Path(tempfile.mkdtemp(prefix="eia-bare-"))
    started: list[subprocess.Popen[bytes]] = []
    try:
        upgrade(engine)
        clock = FixedClock(datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI))
        (case_id,) = cases_to_sign(engine, load_catalogue(), clock, 1)
        env = dict(os.environ) | {
            "EIA_DATABASE_URL": url,
            "EIA_VAR_DIR": str(base_dir / "var"),
            "EIA_SECRET_KEY": "bench-secret-0123456789-abcdefghijklmn",
            "BARE_DATABASE_URL": url,
        }
        api, api_url = _serve("api.asgi:app", env, base_dir / "api.log", args.workers)
        bare, bare_url = _serve("bench.bare_app:app", env, base_dir / "bare.log", args.workers)
        started += [api, bare]
        http = httpx.Client(base_url=api_url, timeout=60)
        token = http.post("/api/auth/token", data={"username": "qiye", "password": DEMO_PASSWORD})
        bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
        login = http.post(
            "/login",
            data={"username": "qiye", "password": DEMO_PASSWORD,
                  "csrf_token": page_form_token(http)},  # type: ignore[arg-type]
        )  # fmt: skip
        assert login.status_code in (200, 303), login.status_code
        cookie = {"Cookie": f"eia_session={http.cookies['eia_session']}"}
        assert http.get(f"/cases/{case_id}", headers=cookie).status_code == 200
        draft = json.dumps(PROJECT).encode()
        created = httpx.post(f"{bare_url}/items", json=PROJECT, timeout=10).json()
        json_headers = {"Content-Type": "application/json"}
        scenarios = [
            ("read", f"{api_url}/api/applications/{case_id}", "GET", bearer, b"",
             f"{bare_url}/items/{created['id']}", "GET", {}, b""),
            ("write", f"{api_url}/api/applications", "POST", bearer | json_headers, draft,
             f"{bare_url}/items", "POST", json_headers, draft),
            ("case page", f"{api_url}/cases/{case_id}", "GET", cookie, b"",
             None, "", {}, b""),
        ]  # fmt: skip
        print(
            f"load average {procstat.load()}; {args.connections} connections, {args.seconds} s, "
            f"{args.workers} uvicorn process(es) each"
        )
        for (
            label,
            a_url,
            a_method,
            a_headers,
            a_body,
            b_url,
            b_method,
            b_headers,
            b_body,
        ) in scenarios:
            profiler = procstat.Profiler(
                args.profile / label.replace(" ", "-") if args.profile else None,
                {"api": api.pid},
                rate=50,
            )
            cpu = procstat.cpu_seconds([api.pid])
            ours = loadgen.run(
                a_url, method=a_method, headers=a_headers, body=a_body,
                connections=args.connections, seconds=args.seconds,
            )  # fmt: skip
            used = procstat.cpu_seconds([api.pid]) - cpu
            profiler.stop()
            print(
                f"{label:9} API   {ours.line()}"
                f"  API CPU {used / max(len(ours.latencies), 1) * 1000:.1f} ms/req"
            )
            if b_url is None:
                continue
            cpu = procstat.cpu_seconds([bare.pid])
            theirs = loadgen.run(
                b_url, method=b_method, headers=b_headers, body=b_body,
                connections=args.connections, seconds=args.seconds,
            )  # fmt: skip
            used = procstat.cpu_seconds([bare.pid]) - cpu
            print(
                f"{label:9} bare  {theirs.line()}"
                f"  CPU {used / max(len(theirs.latencies), 1) * 1000:.1f} ms/req"
            )
            print(f"{label:9} API/bare {ours.rate / theirs.rate:.0%}")
        print(f"load average {procstat.load()}")
        http.close()
    finally:
        for process in started:
            process.terminate()
            process.wait(timeout=20)
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
