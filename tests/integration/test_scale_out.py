"""Scale-out, proven without Docker: two API processes behind one address, two workers, a
Prefect server, S3 and SMTP (``tests.topology``); sign-offs sent all at once. Every document
is issued once, numbered without a gap, stored once and mailed once, and no request fails.
``bench/issuing.py`` runs the same topology with 500 sign-offs and prints the figures."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine

from approvals.catalogue import Catalogue
from approvals.clock import FixedClock
from flows.runtime import Runtime
from mail import build_sender
from storage import S3Store
from tests.fault_support import issued_invariants
from tests.fixtures_db import wipe
from tests.fixtures_prefect import PrefectServer
from tests.topology import cases_to_sign, production_topology, wait_issued

pytestmark = pytest.mark.integration
SIGN_OFFS = 12


def test_two_apis_and_two_workers_issue_every_signed_decision_once(
    postgres_url: str, postgres_engine: Engine, catalogue: Catalogue, clock: FixedClock,
    tmp_path: Path, prefect_server: PrefectServer,
) -> None:  # fmt: skip
    wipe(postgres_engine)
    ids = cases_to_sign(postgres_engine, catalogue, clock, SIGN_OFFS)
    prefect = prefect_server.env()
    with production_topology(tmp_path, postgres_url, prefect=prefect) as topology:
        leader = topology.token("lingdao")
        with httpx.Client(base_url=topology.base_url, timeout=120) as http:

            def sign(case_id: int) -> int:
                return http.post(
                    f"/api/applications/{case_id}/sign", headers=leader, json={}
                ).status_code

            with ThreadPoolExecutor(12) as pool:
                statuses = list(pool.map(sign, ids))
        assert statuses == [200] * SIGN_OFFS

        assert wait_issued(postgres_engine, SIGN_OFFS, timeout=240)
        settings = topology.settings
        store = S3Store.from_settings(settings)
        rt = Runtime(settings, postgres_engine, store, build_sender(settings), catalogue, clock)
        assert issued_invariants(rt, topology.smtp) == {
            "documents": SIGN_OFFS,
            "mails": SIGN_OFFS,
        }
