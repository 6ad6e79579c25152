"""The auditors' turnaround analytics (电子监察), on SQLite and on PostgreSQL: exact figures from
decided cases written straight into the database, filters, stages, months, one case's trace,
the CSV / XLSX exports, who may see them, and the pages."""

from __future__ import annotations

import csv
import io
import statistics
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import count
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from approvals.catalogue import Catalogue, DayUnit, Limit, shared_catalogue
from approvals.errors import InvalidInput
from approvals.reports import turnaround as reports
from approvals.reports.tables import TURNAROUND_HEADERS
from approvals.timekeeping.calendar import Pause, WorkingCalendar
from models import Application, ClockPause, Status, StepRecord, Track, User
from tests import helpers
from tests.api.case_checks import expect_error, headers_for

NUMBERS = count(1)
EIA01 = [10, 15, 20, 70]  # EIA-01: statutory 60, promised 15 working days
EIA02 = [5, 12]  # EIA-02: statutory 30, promised 10 working days


def user_id(session: Session, username: str) -> int:
    user = session.exec(select(User).where(User.username == username)).one()
    assert user.id is not None
    return user.id


def add_case(
    session: Session,
    item: str,
    working: int | None,
    calendar: int | None,
    decided_on: date | None,
    *,
    track: Track = Track.STANDARD,
    district: str = "金水区",
    officer: str | None = None,
    kind: str = "standard",
) -> Application:
    applicant = session.exec(select(User).where(User.username == "qiye")).one()
    application = Application(
        number=f"ZZHP-T-{next(NUMBERS):05d}",
        item_code=item,
        item_version=shared_catalogue().get(item).version,
        process_kind=kind,
        enterprise_id=applicant.enterprise_id or 0,
        created_by=applicant.id or 0,
        status=Status.APPROVED if decided_on else Status.DRAFTING,
        project_name=f"{item} 测试项目",
        site="郑州市",
        district=district,
        industry_code="3421",
        total_investment=Decimal("100.00"),
        env_investment=Decimal("5.00"),
        consultant="测试环评单位",
        contact_email="t@example.com",
        created_at=datetime(2021, 1, 4, 2, tzinfo=UTC),
        track=track,
        decided_on=decided_on,
        case_officer_id=user_id(session, officer) if officer else None,
        turnaround_working_days=working,
        turnaround_calendar_days=calendar,
    )
    session.add(application)
    session.flush()
    return application


def add_step(session: Session, case: Application, status: Status, working: int) -> None:
    at = datetime(2021, 3, 1, 2, tzinfo=UTC)
    session.add(
        StepRecord(
            application_id=case.id or 0,
            status=status,
            entered_at=at,
            left_at=at,
            working_days=working,
            calendar_days=working,
        )
    )


@pytest.fixture
def decided(seeded: Engine) -> Iterator[Session]:
    """Six decided cases (four EIA-01, two EIA-02), plus two that must not count."""
    with Session(seeded) as session:
        plan = [
            ("EIA-01", 10, 14, date(2021, 3, 10), Track.STANDARD, "金水区", "chengban"),
            ("EIA-01", 15, 21, date(2021, 3, 20), Track.STANDARD, "金水区", "chengban"),
            ("EIA-01", 20, 28, date(2021, 4, 5), Track.GREEN, "二七区", None),
            ("EIA-01", 70, 98, date(2021, 5, 10), Track.COMMITMENT, "二七区", None),
            ("EIA-02", 5, 7, date(2021, 4, 15), Track.STANDARD, "金水区", None),
            ("EIA-02", 12, 16, date(2021, 4, 20), Track.STANDARD, "中原区", None),
        ]
        cases = [
            add_case(session, item, w, c, d, track=t, district=dist, officer=o)
            for item, w, c, d, t, dist, o in plan
        ]
        waits = [(6, 2), (9, 1), (12, 3), (40, 20), (3, 1), (8, 2)]  # (drafting, reviewing)
        for case, (drafting, reviewing) in zip(cases, waits, strict=True):
            add_step(session, case, Status.SUBMITTED, 1)
            add_step(session, case, Status.DRAFTING, drafting)
            add_step(session, case, Status.REVIEWING, reviewing)
        still_open = add_case(session, "EIA-01", None, None, None)  # not decided
        add_step(session, still_open, Status.DRAFTING, 500)
        add_case(session, "EIA-01", None, None, date(2021, 3, 1))  # decided, no turnaround
        session.commit()
        yield session


def test_eia01_median_p90_max_and_shares_within_promised_and_statutory(
    decided: Session, catalogue: Catalogue
) -> None:
    report = reports.turnaround_report(decided, catalogue, reports.ReportFilter())

    eia01, eia02 = report.items
    assert eia01.item_code == "EIA-01" and eia01.item_name.startswith("建设项目环境影响报告书")
    assert (eia01.count, eia01.median_working_days, eia01.p90_working_days) == (4, 17.5, 55.0)
    assert eia01.max_working_days == 70
    assert (eia01.median_calendar_days, eia01.p90_calendar_days, eia01.max_calendar_days) == (
        24.5,
        77.0,
        98,
    )
    assert (eia01.statutory_days, eia01.statutory_unit) == (60, DayUnit.WORKING)
    assert (eia01.promised_days, eia01.promised_unit) == (15, DayUnit.WORKING)
    assert (eia01.within_promised, eia01.promised_counted, eia01.share_within_promised) == (
        2,
        4,
        0.5,
    )
    assert (eia01.within_statutory, eia01.share_within_statutory) == (3, 0.75)
    assert (eia02.count, eia02.median_working_days, eia02.p90_working_days) == (2, 8.5, 11.3)
    assert (eia02.within_promised, eia02.within_statutory) == (1, 2)

    overall = report.overall
    assert (overall.item_code, overall.count) == ("", 6)
    assert (overall.median_working_days, overall.p90_working_days) == (13.5, 45.0)
    assert (overall.median_calendar_days, overall.p90_calendar_days) == (18.5, 63.0)
    assert (overall.within_promised, overall.promised_counted) == (3, 6)
    assert (overall.within_statutory, overall.statutory_counted) == (5, 6)


def test_filters_narrow_the_set(decided: Session, catalogue: Catalogue) -> None:
    def counted(**fields: object) -> int:
        report_filter = reports.parse_filter(catalogue, **fields)  # type: ignore[arg-type]
        return reports.turnaround_report(decided, catalogue, report_filter).overall.count

    assert counted() == 6
    assert counted(item_code="EIA-02") == 2
    assert counted(process_kind="standard") == 6
    assert counted(process_kind="commitment") == 0
    assert counted(track="green") == 1
    assert counted(district="二七区") == 2
    assert counted(decided_from="2021-04-01", decided_to="2021-04-30") == 3
    assert counted(decided_from="2021-04-15") == 3
    assert counted(officer_id=str(user_id(decided, "chengban"))) == 2
    assert counted(item_code="EIA-01", district="金水区", track="standard") == 2
    assert counted(item_code=" ", district="") == 6  # blank form fields mean "any"
    add_case(decided, "EIA-07", 1, 1, date(2021, 4, 1), kind="commitment")
    assert counted(process_kind="commitment") == 1  # the kind the case ran as
    assert (counted(process_kind="standard"), counted()) == (6, 7)


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"decided_from": "2021-02-30"}, "日期"),
        ({"item_code": "XX-99"}, "事项编码"),
        ({"decided_from": "2021-05-01", "decided_to": "2021-04-01"}, "早于"),
        ({"track": "fast"}, "办理通道"),
        ({"district": "海淀区"}, "郑州"),
        ({"officer_id": "-3"}, "承办人"),
    ],
)
def test_bad_filters_are_refused_in_chinese_and_english(
    catalogue: Catalogue, fields: dict[str, str], words: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        reports.parse_filter(catalogue, **fields)  # type: ignore[arg-type]
    assert words in raised.value.message_zh and raised.value.message_en


def test_items_without_a_limit_count_in_the_figures_but_not_in_the_shares(
    seeded: Engine, catalogue: Catalogue
) -> None:
    assert catalogue.get("EIA-10").promised.days is None
    with Session(seeded) as session:
        add_case(session, "EIA-10", 8, 12, date(2021, 6, 1))
        add_case(session, "EIA-01", 30, 42, date(2021, 6, 2))
        report = reports.turnaround_report(session, catalogue, reports.ReportFilter())
    eia10 = next(r for r in report.items if r.item_code == "EIA-10")
    assert (eia10.count, eia10.promised_counted, eia10.share_within_promised) == (1, 0, None)
    assert (eia10.within_statutory, eia10.statutory_counted) == (1, 1)
    assert (report.overall.count, report.overall.within_promised) == (2, 0)
    assert (report.overall.promised_counted, report.overall.statutory_counted) == (1, 2)


def test_a_calendar_day_limit_is_judged_in_calendar_days(
    seeded: Engine, catalogue: Catalogue
) -> None:
    item = catalogue.get("EIA-02")
    calendar_promise = Limit(days=10, unit=DayUnit.CALENDAR, evidence=item.promised.evidence)
    changed = Catalogue(
        tuple(
            i.model_copy(update={"promised": calendar_promise}) if i is item else i
            for i in catalogue.items
        )
    )
    with Session(seeded) as session:
        add_case(session, "EIA-02", 7, 9, date(2021, 6, 1))  # 9 calendar days: within 10
        add_case(session, "EIA-02", 8, 12, date(2021, 6, 2))  # 8 working, 12 calendar: over
        row = reports.turnaround_report(session, changed, reports.ReportFilter()).items[0]
        trend = reports.monthly_trend(session, changed, reports.ReportFilter())
    assert (row.within_promised, row.promised_counted, row.promised_unit) == (1, 2, "calendar")
    assert (trend[0].within_promised, trend[0].promised_counted) == (1, 2)


def test_percentiles_are_those_of_percentile_cont(seeded: Engine, catalogue: Catalogue) -> None:
    values = [(i * 37) % 101 for i in range(1, 62)]  # 61 scattered day counts
    with Session(seeded) as session:
        for value in values:
            add_case(session, "EIA-03", value, value + 4, date(2021, 7, 1))
        session.commit()
        row = reports.turnaround_report(session, catalogue, reports.ReportFilter()).overall
        if seeded.dialect.name == "postgresql":
            sql = text(
                "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY turnaround_working_days),"
                " percentile_cont(0.9) WITHIN GROUP (ORDER BY turnaround_working_days)"
                " FROM application WHERE turnaround_working_days IS NOT NULL"
            )
            median, p90 = session.execute(sql).one()
            assert (row.median_working_days, row.p90_working_days) == (
                round(median, 2),
                round(p90, 2),
            )
    assert row.median_working_days == statistics.median(values)
    assert row.p90_working_days == round(
        statistics.quantiles(values, n=10, method="inclusive")[8], 2
    )
    assert row.max_working_days == max(values)


def test_stage_report_puts_the_step_with_the_most_waiting_first(
    decided: Session, catalogue: Catalogue
) -> None:
    rows = reports.stage_report(decided, catalogue, reports.ReportFilter())

    assert [r.status for r in rows] == [Status.DRAFTING, Status.REVIEWING, Status.SUBMITTED]
    drafting = rows[0]
    assert drafting.label == "承办拟办"
    assert (drafting.count, drafting.total_working_days, drafting.max_working_days) == (6, 78, 40)
    assert (drafting.median_working_days, drafting.mean_working_days) == (8.5, 13.0)
    eia02 = reports.stage_report(decided, catalogue, reports.ReportFilter(item_code="EIA-02"))
    assert [(r.status, r.total_working_days) for r in eia02] == [
        (Status.DRAFTING, 11),
        (Status.REVIEWING, 3),
        (Status.SUBMITTED, 2),
    ]


def test_monthly_trend_counts_medians_and_promises_per_month(
    decided: Session, catalogue: Catalogue
) -> None:
    rows = reports.monthly_trend(decided, catalogue, reports.ReportFilter())

    assert [(r.month, r.label, r.count) for r in rows] == [
        ("2021-03", "2021年3月", 2),
        ("2021-04", "2021年4月", 3),
        ("2021-05", "2021年5月", 1),
    ]
    assert [r.median_working_days for r in rows] == [12.5, 12.0, 70.0]
    assert [(r.within_promised, r.promised_counted) for r in rows] == [(2, 2), (1, 3), (0, 1)]
    assert rows[0].share_within_promised == 1.0


def test_distribution_counts_cases_per_day_count_for_the_chart(
    decided: Session, catalogue: Catalogue
) -> None:
    counts = reports.distribution(decided, catalogue, reports.ReportFilter(track=Track.STANDARD))
    assert counts == {"EIA-01": ((10, 1), (15, 1)), "EIA-02": ((5, 1), (12, 1))}


def at(month: int, day: int, hour: int = 1) -> datetime:
    """A moment of 2021 in UTC (09:00 or later in Zhengzhou, the same local day)."""
    return datetime(2021, month, day, hour, tzinfo=UTC)


def traced_case(session: Session) -> Application:
    """An EIA-01 case accepted 2021-09-17, stopped for expert review 09-22 → 09-30 (7 working
    days: 09-26 is a make-up working day), decided 2021-10-20 after 12 counted working days."""
    case = add_case(session, "EIA-01", 12, 33, date(2021, 10, 20), officer="chengban")
    case.clock_started_on, case.received_on = date(2021, 9, 17), date(2021, 9, 15)
    case.paused_working_days = 7
    session.add(case)
    steps = [
        (Status.SUBMITTED, at(9, 15), at(9, 17), 2, "shouli"),
        (Status.DRAFTING, at(9, 17), at(10, 15), 13, "chengban"),
        (Status.REVIEWING, at(10, 15), at(10, 18), 1, "kezhang"),
        (Status.SIGNING, at(10, 18), at(10, 20), 2, "lingdao"),
        (Status.ISSUING, at(10, 20), at(10, 20, 2), 0, None),
    ]
    for status, entered, left, working, actor in steps:
        session.add(
            StepRecord(
                application_id=case.id or 0,
                status=status,
                entered_at=entered,
                left_at=left,
                working_days=working,
                calendar_days=(left.date() - entered.date()).days,
                actor_id=user_id(session, actor) if actor else None,
            )
        )
    session.add(
        ClockPause(
            application_id=case.id or 0,
            reason="专家评审",
            start_on=date(2021, 9, 22),
            end_on=date(2021, 9, 30),
            max_days=10,
            comment="组织专家技术评审 <b>不计入</b>",
        )
    )
    session.commit()
    return case


def test_case_report_traces_steps_pauses_and_limits(seeded: Engine, catalogue: Catalogue) -> None:
    with Session(seeded) as session:
        case_id = traced_case(session).id or 0
        report = reports.case_report(session, catalogue, case_id)

    assert [s.status for s in report.steps] == [
        Status.SUBMITTED,
        Status.DRAFTING,
        Status.REVIEWING,
        Status.SIGNING,
        Status.ISSUING,
    ]
    assert [s.left_by for s in report.steps] == [
        "王受理（受理窗口）",
        "李承办（承办人）",
        "张科长（科室负责人）",
        "赵局长（分管领导）",
        None,
    ]
    drafting = report.steps[1]
    # the officer's 8 working days plus the 受理公示's 10 that drafting waits for
    assert (drafting.working_days, drafting.calendar_days, drafting.budget_working_days) == (
        13,
        28,
        18,
    )
    assert not drafting.over_budget and not report.steps[2].over_budget
    (pause,) = report.pauses
    assert (pause.reason, pause.working_days, pause.calendar_days) == ("专家评审", 7, 8)
    assert (report.elapsed_working_days, report.elapsed_calendar_days) == (12, 33)
    assert report.paused_working_days == 7
    assert (report.promised_days, report.statutory_days) == (15, 60)
    assert report.promised_due_on == date(2021, 10, 25)  # 2021-10-14 plus the 7 paused days
    expert_review = Pause(date(2021, 9, 22), date(2021, 9, 30))
    statutory_due = WorkingCalendar().due(date(2021, 9, 17), 60, DayUnit.WORKING, [expert_review])
    assert report.statutory_due_on == statutory_due.day
    assert report.within_promised is True and report.within_statutory is True
    assert report.case_officer == "李承办（承办人）"


# --- the API ------------------------------------------------------------------------------------


def test_auditor_gets_the_turnaround_report_as_json(decided: Session, client: TestClient) -> None:
    response = client.get("/api/audit/turnaround", headers=headers_for(client, "jiancha"))

    assert response.status_code == 200, response.text
    body = response.json()
    eia01 = body["items"][0]
    assert (eia01["item_code"], eia01["median_working_days"], eia01["p90_working_days"]) == (
        "EIA-01",
        17.5,
        55.0,
    )
    assert (eia01["share_within_promised"], eia01["share_within_statutory"]) == (0.5, 0.75)
    assert (eia01["statutory_days"], eia01["promised_days"]) == (60, 15)
    assert body["overall"]["count"] == 6
    filtered = client.get(
        "/api/audit/turnaround",
        params={"item_code": "EIA-01", "district": "二七区", "decided_to": "2021-04-30"},
        headers=headers_for(client, "admin"),
    )
    assert filtered.json()["overall"]["count"] == 1
    assert filtered.json()["filter"]["decided_to"] == "2021-04-30"


@pytest.mark.parametrize("username", ["chengban", "kezhang", "qiye", "shouli"])
def test_only_auditors_and_admins_see_the_reports(client: TestClient, username: str) -> None:
    headers = headers_for(client, username)
    for path in ("turnaround", "stages", "trend", "cases/1"):
        expect_error(client.get(f"/api/audit/{path}", headers=headers), 403, "permission_denied")
    assert client.get("/api/audit/turnaround").status_code == 401


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"decided_from": "2021-02-30"}, "value"),
        ({"item_code": "XX-99"}, "item_code"),
        ({"decided_from": "2021-05-01", "decided_to": "2021-04-01"}, "decided_to"),
    ],
)
def test_bad_filters_are_422_with_a_chinese_and_english_message(
    client: TestClient, params: dict[str, str], field: str
) -> None:
    response = client.get(
        "/api/audit/turnaround", params=params, headers=headers_for(client, "jiancha")
    )
    body = expect_error(response, 422, "invalid_input")
    assert field in body["details"]


def test_an_unknown_export_format_is_422(client: TestClient) -> None:
    response = client.get(
        "/api/audit/stages", params={"format": "pdf"}, headers=headers_for(client, "jiancha")
    )
    expect_error(response, 422, "invalid_input")


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), content[:10]
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_rows(content: bytes) -> list[list[str]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def as_values(rows: list[list[str]]) -> list[list[str | float]]:
    """Cells compared by value: XLSX keeps numbers as numbers (55.0 reads back as 55)."""

    def value(cell: str) -> str | float:
        try:
            return float(cell)
        except ValueError:
            return cell

    return [[value(cell) for cell in row] for row in rows]


def test_turnaround_exports_as_csv_with_bom_and_as_the_same_xlsx(
    decided: Session, client: TestClient
) -> None:
    headers = headers_for(client, "jiancha")
    as_csv = client.get("/api/audit/turnaround", params={"format": "csv"}, headers=headers)
    as_xlsx = client.get("/api/audit/turnaround", params={"format": "xlsx"}, headers=headers)

    assert as_csv.status_code == 200, as_csv.text
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.headers["content-disposition"] == (
        "attachment; filename=\"report.csv\"; filename*=UTF-8''" + quote("办理时效统计.csv")
    )
    rows = csv_rows(as_csv.content)
    assert rows[0] == list(TURNAROUND_HEADERS)
    assert rows[0][:3] == ["事项编码", "事项名称", "办结件数"]
    eia01 = rows[1]
    assert eia01[:8] == ["EIA-01", eia01[1], "4", "60", "工作日", "15", "工作日", "17.5"]
    assert eia01[8:10] == ["55.0", "70"] and eia01[13:] == ["50.0", "75.0"]
    assert rows[-1][:3] == ["合计", "全部事项", "6"]
    assert as_xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert (
        "filename*=UTF-8''" + quote("办理时效统计.xlsx") in as_xlsx.headers["content-disposition"]
    )
    assert as_values(xlsx_rows(as_xlsx.content)) == as_values(rows)


def test_stage_and_trend_exports_carry_the_period_in_the_file_name(
    decided: Session, client: TestClient
) -> None:
    headers = headers_for(client, "jiancha")
    period = {"decided_from": "2021-04-01", "decided_to": "2021-05-31"}
    stages = client.get("/api/audit/stages", params=period | {"format": "csv"}, headers=headers)
    trend = client.get("/api/audit/trend", params=period | {"format": "xlsx"}, headers=headers)

    assert quote("环节耗时统计_2021-04-01至2021-05-31.csv") in stages.headers["content-disposition"]
    stage_rows = csv_rows(stages.content)
    assert stage_rows[0][:4] == ["环节", "环节代码", "经过件次", "累计耗时（工作日）"]
    assert [r[1] for r in stage_rows[1:]] == ["drafting", "reviewing", "submitted"]
    trend_rows = xlsx_rows(trend.content)
    assert trend_rows[0][0] == "月份"
    assert [r[:2] for r in trend_rows[1:]] == [["2021-04", "3"], ["2021-05", "1"]]
    assert trend_rows[1][3] == "33.3"  # 1 of 3 within the promised limit, in per cent
    as_json = client.get("/api/audit/trend", params=period, headers=headers).json()
    assert [m["month"] for m in as_json] == ["2021-04", "2021-05"]


def test_case_trace_api_and_404(client: TestClient, seeded: Engine) -> None:
    with Session(seeded) as session:
        case_id = traced_case(session).id
    headers = headers_for(client, "jiancha")
    body = client.get(f"/api/audit/cases/{case_id}", headers=headers).json()

    assert [s["status"] for s in body["steps"]][:2] == ["submitted", "drafting"]
    assert body["pauses"][0]["reason"] == "专家评审" and body["pauses"][0]["working_days"] == 7
    assert (body["elapsed_working_days"], body["promised_due_on"]) == (12, "2021-10-25")
    expect_error(client.get("/api/audit/cases/999999", headers=headers), 404, "not_found")


# --- the pages ----------------------------------------------------------------------------------


def page_login(client: TestClient, username: str) -> None:
    response = helpers.page_login(client, username)
    assert response.status_code == 303, response.text


def test_audit_page_shows_kpis_the_limits_table_and_three_charts(
    decided: Session, client: TestClient
) -> None:
    page_login(client, "jiancha")
    response = client.get("/audit")

    assert response.status_code == 200, response.text
    html = response.text
    assert '<html lang="zh-CN">' in html and "电子监察" in html
    assert html.count("<svg ") == 3
    assert 'class="ref-statutory"' in html and 'class="ref-promised"' in html
    assert "各环节累计耗时" in html and "月度办结趋势" in html
    assert "17.5" in html and "50%" in html and "75%" in html
    assert "/api/audit/turnaround?format=csv" in html
    filtered = client.get("/audit", params={"item_code": "EIA-02", "track": ""})
    assert filtered.status_code == 200 and "EIA-01" not in filtered.text.split('id="limits"')[1]


def test_audit_page_shows_a_bad_filter_on_the_form(client: TestClient) -> None:
    page_login(client, "jiancha")
    response = client.get("/audit", params={"decided_from": "2021-13-01"})
    assert response.status_code == 422
    assert "日期“2021-13-01”无效" in response.text and "<svg" not in response.text


def test_audit_case_page_shows_steps_pauses_and_the_timeline(
    client: TestClient, seeded: Engine
) -> None:
    with Session(seeded) as session:
        case = traced_case(session)
        case_id, number = case.id, case.number
    page_login(client, "admin")
    response = client.get(f"/audit/cases/{case_id}")

    assert response.status_code == 200, response.text
    html = response.text
    assert html.count("<svg ") == 1 and 'class="pause"' in html
    assert "专家评审" in html and "李承办（承办人）" in html
    assert "&lt;b&gt;不计入&lt;/b&gt;" in html  # the comment is text, not markup
    lookup = client.get("/audit/lookup", params={"number": number}, follow_redirects=False)
    assert lookup.headers["location"] == f"/audit/cases/{case_id}"


def test_audit_pages_are_for_auditors_only(client: TestClient) -> None:
    page_login(client, "chengban")
    assert client.get("/audit").status_code == 403
    assert client.get("/audit/cases/1").status_code == 403
