"""SQL statements per request on the key endpoints, counted on the engine: a budget each, so
queries per request cannot creep back (an N+1 shows up as a count growing with the case)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine

from api.app import create_app
from core.settings import DispatchMode
from flows.runtime import Runtime
from flows.standard import advance_case
from flows.worker import drain_once
from tests.api.case_driving import approve_draft, draft
from tests.helpers import PROJECT, create_submitted, page_login, sign_in
from tests.notice_time import agree_and_end_pre_approval

# Statements per request with the sign-in in the process's cache (a client's steady state; +1
# when it is not: approvals/sessions.py). Raise one only with a reason.
# Case detail: the case joined to its enterprise, materials, documents, timeline, and one
# statement of facts (open step, are there postal dispatches, clock pauses — read only if so).
# Case page: the detail's, plus one statement asking every feature section whether it has
# anything to show (api/pages/case_sections.py); a section reads its rows only if so.
# Create draft: the enterprise, the day's number (one upsert), the insert; the item version is
# read only until the process has seen it committed (approvals/catalogue/item_versions.py).
# Sign-off: the decision, its audit event and step, the clock, the document and its work
# request (on PostgreSQL an advisory lock for the audit chain where SQLite takes a write lock).
BUDGET = {"case detail": 5, "queue": 2, "case page": 6, "create draft": 3, "sign-off": 17}


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _engine(client: TestClient) -> Engine:
    return client.app.state.services.engine  # type: ignore[attr-defined,no-any-return]


def _signing_case(client: TestClient, runtime: Runtime) -> tuple[int, dict[str, str]]:
    applicant, intake = sign_in(client, "qiye"), sign_in(client, "shouli")
    case = create_submitted(client, applicant)
    assert client.post(f"/api/applications/{case['id']}/accept", headers=intake).status_code == 200
    _drain(runtime)
    draft(client, case["id"])
    approve_draft(client, case["id"])
    agree_and_end_pre_approval(client, case["id"])
    return case["id"], applicant


@pytest.fixture
def recording_client(runtime: Runtime, seeded: Engine) -> Iterator[TestClient]:
    """The app as deployed (``dispatch_mode=prefect``): a request only records its work; a
    sign-in stays in the cache for the whole test (the counts do not depend on timing)."""
    settings = runtime.settings.model_copy(
        update={"dispatch_mode": DispatchMode.PREFECT, "session_cache_seconds": 3600}
    )
    app = create_app(
        settings,
        engine=runtime.engine,
        store=runtime.store,
        catalogue=runtime.catalogue,
        clock=runtime.clock,
    )
    with TestClient(app, base_url="https://testserver") as client:
        yield client


def _drain(runtime: Runtime) -> None:
    def run_batch(ids: list[int], tags: list[str]) -> tuple[str, dict[int, str]]:
        for application_id in ids:
            advance_case(application_id, lambda step, *args: step(runtime, *args))
        return "inline", dict.fromkeys(ids, "")

    while drain_once(runtime, run_batch, "w"):
        pass


def test_statements_per_request_stay_within_their_budget(
    recording_client: TestClient, runtime: Runtime
) -> None:
    client = recording_client
    case_id, applicant = _signing_case(client, runtime)
    leader = sign_in(client, "lingdao")
    engine = runtime.engine
    counts: dict[str, int] = {}

    def count(name: str, method: str, path: str, **kwargs: object) -> None:
        signed_in = client.get("/api/me", headers=kwargs.get("headers"))  # type: ignore[arg-type]
        assert signed_in.status_code == 200  # the sign-in is now in the cache
        with counted(engine) as statements:
            response = client.request(method, path, **kwargs)  # type: ignore[arg-type]
        assert response.status_code in (200, 201), response.text
        counts[name] = len(statements)

    count("case detail", "GET", f"/api/applications/{case_id}", headers=applicant)
    count("queue", "GET", "/api/queue", headers=leader)
    count("create draft", "POST", "/api/applications", headers=applicant, json=PROJECT)
    page_login(client, "qiye")
    count("case page", "GET", f"/cases/{case_id}")
    count("sign-off", "POST", f"/api/applications/{case_id}/sign", headers=leader, json={})
    _drain(runtime)
    count("case detail, issued", "GET", f"/api/applications/{case_id}", headers=applicant)
    count("case page, issued", "GET", f"/cases/{case_id}")
    # About one statement per table the answer shows (the session and its user in one), none
    # per document, event or material: the counts do not grow once the case has its documents.
    assert counts["case detail, issued"] == counts["case detail"], counts
    assert counts["case page, issued"] == counts["case page"], counts
    over = {name: n for name, n in counts.items() if n > BUDGET[name.split(",")[0]]}
    assert over == {}, f"over budget {BUDGET}: {over}"
