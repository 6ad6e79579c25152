"""The auditor on the notices: per case whether each ran its full length and how long
publication took after its event; per kind, the share that ran full length, the median lag
and the working days spent in the notice. A notice moved back (tests, demo) never counts as
having run its full length."""

from __future__ import annotations

from datetime import datetime

from fastapi.testclient import TestClient

from approvals.clock import SHANGHAI, FixedClock
from tests.api.case_checks import expect_error, headers_for
from tests.api.case_driving import draft
from tests.api.test_public_notices import accepted_case
from tests.helpers import page_login


def test_the_auditor_sees_full_length_lag_and_days_per_notice_and_per_kind(
    client: TestClient, clock: FixedClock
) -> None:
    waited = accepted_case(client, "EIA-01")  # Fri 2026-11-20; the notice ends Fri 12-04
    moved = accepted_case(client, "EIA-01")
    draft(client, moved)  # the notice is moved back before drafting: not run in full
    clock.set(datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI))  # Monday: it has ended
    draft(client, waited)
    auditor = headers_for(client, "jiancha")

    [line] = client.get(f"/api/audit/cases/{waited}/notices", headers=auditor).json()
    assert (line["kind"], line["kind_label"], line["event_on"]) == (
        "acceptance",
        "受理公示",
        "2026-11-20",
    )
    assert (line["lag_working_days"], line["on_target"], line["within_limit"]) == (0, True, True)
    assert (line["ran_full_length"], line["dates_moved"], line["held_until"]) == (
        True,
        False,
        "2026-12-07",
    )
    assert line["working_days_in_notice"] == 10
    [shifted] = client.get(f"/api/audit/cases/{moved}/notices", headers=auditor).json()
    assert (shifted["ran_full_length"], shifted["dates_moved"]) == (False, True)

    rows = {r["kind"]: r for r in client.get("/api/audit/notices", headers=auditor).json()}
    acceptance = rows["acceptance"]
    assert (acceptance["notices"], acceptance["finished"], acceptance["ran_full_length"]) == (
        2,
        2,
        1,
    )
    assert acceptance["full_length_share"] == 0.5
    assert acceptance["median_lag_working_days"] == 0 and acceptance["beyond_limit"] == 0
    assert (
        rows["pre_approval"]["notices"] == 0 and rows["pre_approval"]["full_length_share"] is None
    )
    page_login(client, "jiancha")
    case_page = client.get(f"/audit/cases/{waited}").text
    assert "公示公告" in case_page and "足期" in case_page and "10个工作日" in case_page
    assert "足期比例" in client.get("/audit").text
    expect_error(
        client.get("/api/audit/notices", headers=headers_for(client, "qiye")),
        403,
        "permission_denied",
    )
