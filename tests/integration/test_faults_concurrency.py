"""200 decisions signed at once, issued by two worker processes racing over the same cases.

Real: PostgreSQL (one database, both processes), a SeaweedFS S3 server and an aiosmtpd SMTP
server, two OS processes running the issuing steps of ``advance-standard-review``
(``flows.steps``: number → render → store → record → mail, the functions the Prefect tasks
call) over all 200 cases, one in ascending and one in descending order, so that they meet and
race on the same cases in the middle. Not Prefect: 200 served flow runs cost about 4 min on
2 cores (~50 runs/min), and the dispatch of one run per case is covered elsewhere; what is
under test is that two workers on the same case never produce a second number, object or mail.
The 受理通知书 of each case is marked issued beforehand (setup shortcut): only the decisions
are issued here.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from approvals.catalogue import Catalogue
from approvals.clock import FixedClock
from core.settings import PROJECT_ROOT
from models import Application, Status
from tests.fault_support import (
    fault_runtime,
    fault_settings,
    issued_invariants,
    settings_env,
    signed_cases,
    stoppable_servers,
)
from tests.fixtures_db import wipe

pytestmark = pytest.mark.integration

DECISIONS = 200
WORKER = """
import sys, time
from pathlib import Path
from core.settings import get_settings
from flows import steps
from flows.runtime import Runtime
from flows.standard import advance_case

go, ids = Path(sys.argv[1]), [int(i) for i in sys.argv[2].split(",")]
rt = Runtime.from_settings(get_settings())
while not go.exists():
    time.sleep(0.01)
for application_id in ids:
    advance_case(application_id, lambda step, *args: step(rt, *args))
print(steps.relay_mail(rt))
"""


def test_two_workers_issue_200_decisions_with_unique_gapless_numbers_one_object_one_mail(
    postgres_url: str,
    postgres_engine: Engine,
    catalogue: Catalogue,
    clock: FixedClock,
    tmp_path: Path,
) -> None:
    wipe(postgres_engine)
    with stoppable_servers(tmp_path) as (smtp, s3):
        settings = fault_settings(tmp_path / "var", postgres_url, smtp, s3)
        rt = fault_runtime(settings, postgres_engine, catalogue, clock)
        ids = signed_cases(postgres_engine, catalogue, clock, DECISIONS, notices_issued=True)
        go = tmp_path / "go"
        env = os.environ | settings_env(settings)
        workers = [
            subprocess.Popen(
                [sys.executable, "-c", WORKER, str(go), ",".join(map(str, order))],
                cwd=PROJECT_ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for order in (ids, ids[::-1])
        ]
        time.sleep(3)  # both have imported what they need and wait for the signal
        started = time.monotonic()
        go.touch()
        outputs = [w.communicate(timeout=240) for w in workers]
        elapsed = time.monotonic() - started
        for worker, (_, err) in zip(workers, outputs, strict=True):
            assert worker.returncode == 0, err.decode()[-3000:]

        with Session(postgres_engine) as session:
            statuses = {a.status for a in session.exec(select(Application))}
        assert statuses == {Status.APPROVED}
        counts = issued_invariants(rt, smtp)
        assert counts == {"documents": DECISIONS, "mails": DECISIONS}
        print(f"\n{DECISIONS} decisions issued by two racing workers in {elapsed:.1f} s")
