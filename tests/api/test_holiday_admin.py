"""Staff load a year's official schedule; every clock uses it at once."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient

from approvals.catalogue import DayUnit
from approvals.timekeeping.calendar import FIXED_HOLIDAYS
from approvals.timekeeping.schedule import shared_calendar
from tests.helpers import create_submitted, sign_in

SCHEDULE_2027 = {
    "source": "国务院办公厅关于2027年部分节假日安排的通知（测试用）",
    "holidays": [
        "2027-01-01",
        *[(date(2027, 2, 5) + timedelta(days=i)).isoformat() for i in range(8)],
        "2027-05-01",
        "2027-05-02",
        "2027-10-01",
        "2027-10-02",
        "2027-10-03",
    ],
    "workdays": ["2027-02-14"],
}


def test_an_admin_loads_2027_and_due_dates_in_2027_stop_being_provisional(
    client: TestClient,
) -> None:
    applicant, intake = sign_in(client, "qiye"), sign_in(client, "shouli")
    case = create_submitted(client, applicant)  # 60 working days from 2026-11-20 end in 2027
    client.post(f"/api/applications/{case['id']}/accept", headers=intake)
    before = client.get(f"/api/applications/{case['id']}", headers=intake).json()["clock"]
    assert before["provisional"] is True
    assert len(FIXED_HOLIDAYS) >= 6

    admin = sign_in(client, "admin")
    loaded = client.put("/api/admin/holidays/2027", json=SCHEDULE_2027, headers=admin)
    assert loaded.status_code == 200, loaded.text
    after = client.get(f"/api/applications/{case['id']}", headers=intake).json()["clock"]
    assert after["provisional"] is False
    assert shared_calendar().is_workday(date(2027, 2, 14))  # the make-up working Sunday
    assert not shared_calendar().is_workday(date(2027, 2, 8))  # Spring Festival Monday
    expected = shared_calendar().due(date(2026, 11, 20), 60, DayUnit.WORKING).day
    assert after["due_on"] == expected.isoformat() != before["due_on"]


def test_only_an_admin_may_load_a_schedule_and_a_bad_one_changes_nothing(
    client: TestClient,
) -> None:
    intake = sign_in(client, "shouli")
    assert (
        client.put("/api/admin/holidays/2027", json=SCHEDULE_2027, headers=intake).status_code
        == 403
    )
    admin = sign_in(client, "admin")
    wrong_year = SCHEDULE_2027 | {"holidays": ["2028-01-01"]}
    response = client.put("/api/admin/holidays/2027", json=wrong_year, headers=admin)
    assert response.status_code == 422 and response.json()["message"]
    assert shared_calendar().overrides == {}
