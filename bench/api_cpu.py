"""CPU per request of the API in process (through ``TestClient``, whose own overhead is
included), on PostgreSQL: read (a case's detail, bearer token), write (create a draft), the
applicant's case page (cookie), one request at a time. Run it from two checkouts one after the
other to compare a change in the same conditions (load-independent enough to compare, unlike
req/s on a shared machine).

    .venv/bin/python bench/api_cpu.py [requests per scenario, default 200]
"""

from __future__ import annotations

import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

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


def main() -> None:
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
            n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
            for label, method, path, headers, body in [
                ("read", "GET", f"/api/applications/{case_id}", h, None),
                ("write", "POST", "/api/applications", h, PROJECT),
                ("case page", "GET", f"/cases/{case_id}", cookie, None),
            ]:
                for _ in range(20):
                    answer = http.request(method, path, headers=headers, json=body)
                    assert answer.status_code in (200, 201), answer.text
                t, w = time.process_time(), time.perf_counter()
                for _ in range(n):
                    http.request(method, path, headers=headers, json=body)
                cpu_ms = (time.process_time() - t) / n * 1000
                wall_ms = (time.perf_counter() - w) / n * 1000
                print(f"{label:9} {cpu_ms:5.1f} CPU-ms/req  {wall_ms:6.1f} ms wall/req", flush=True)
    finally:
        engine.dispose()
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
