"""Staff-loaded holiday schedules on SQLite and PostgreSQL, and ``eia calendar load``.

The 2027 schedule below is made up for the tests (the State Council had not published it when
chinese-calendar 1.11.0 came out); only its shape matters.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from approvals.catalogue.schema import DayUnit
from approvals.clock import SHANGHAI
from approvals.errors import InvalidInput
from approvals.timekeeping.calendar import Due, WorkingCalendar
from approvals.timekeeping.holidays import (
    calendar_from_db,
    load_schedule,
    loaded_days,
    overrides,
    parse_schedule,
    parse_schedule_file,
)
from cli.main import app
from core.db import session_scope
from core.settings import get_settings

W, C = DayUnit.WORKING, DayUnit.CALENDAR
AT = datetime(2026, 11, 28, 9, 0, tzinfo=SHANGHAI)

SCHEDULE_2027 = """\
year: 2027
source: 国务院办公厅关于2027年部分节假日安排的通知（测试用）
holidays:
  元旦: ["2027-01-01..2027-01-03"]
  春节: ["2027-02-05..2027-02-11"]
  清明节: ["2027-04-03..2027-04-05"]
  劳动节: ["2027-05-01..2027-05-05"]
  端午节: [2027-06-09]
  中秋节: [2027-09-15]
  国庆节: ["2027-10-01..2027-10-07"]
workdays: [2027-02-20, 2027-04-25, 2027-09-26, 2027-10-09]
"""


def d(text: str) -> date:
    return date.fromisoformat(text)


def _load(engine: Engine, text: str = SCHEDULE_2027) -> int:
    schedule = parse_schedule(text)
    with session_scope(engine) as session:
        stored = load_schedule(
            session,
            schedule.year,
            schedule.holidays,
            schedule.workdays,
            source=schedule.source,
            loaded_by=None,
            names=schedule.names,
            at=AT,
        )
        session.commit()
    return stored


def test_the_file_format_with_ranges_names_and_plain_lists(tmp_path: Path) -> None:
    path = tmp_path / "2027.yaml"
    path.write_text(SCHEDULE_2027, encoding="utf-8")
    schedule = parse_schedule_file(path)
    assert schedule.year == 2027
    assert schedule.source.startswith("国务院办公厅")
    assert len(schedule.holidays) == 3 + 7 + 3 + 5 + 1 + 1 + 7
    assert d("2027-02-08") in schedule.holidays
    assert schedule.names[d("2027-02-08")] == "春节"
    assert schedule.names[d("2027-09-26")] == "调休上班"
    plain = parse_schedule(
        "year: 2027\nsource: x\nholidays: [2027-01-01, 2027-05-01, 2027-05-02, "
        "'2027-10-01..2027-10-03']\nworkdays: []\n"
    )
    assert plain.holidays[-3:] == [d("2027-10-01"), d("2027-10-02"), d("2027-10-03")]
    assert len(plain.holidays) == 6
    assert plain.names[d("2027-10-02")] == "放假"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("year: 2027\nholidays: []\n", "source"),
        ("source: x\nholidays: []\n", "year"),
        ("year: 2027\nsource: x\nholidays: ['2027-02-30']\n", "2027-02-30"),
        ("year: 2027\nsource: x\nholidays: ['2027-02-12..2027-02-06']\n", "ends before"),
        ("year: 2027\nsource: x\nholiday: []\n", "holiday"),
        ("[1, 2", "YAML"),
    ],
)
def test_a_bad_file_is_refused(text: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_schedule(text)
    assert fragment in caught.value.message_zh + caught.value.message_en


def test_a_loaded_2027_schedule_is_read_back_and_is_not_provisional(engine: Engine) -> None:
    assert _load(engine) == 27 + 4
    with session_scope(engine) as session:
        loaded = loaded_days(session)
        effective = overrides(session)
        calendar = calendar_from_db(session)
    assert loaded[d("2027-02-08")] is False
    assert loaded[d("2027-09-26")] is True
    assert len(loaded) == 31
    # The overrides a calendar needs: the loaded days and 2027's other days as ordinary days.
    assert len(effective) == 365
    assert effective[d("2027-09-26")] is True and effective[d("2027-09-25")] is False
    assert effective[d("2027-03-03")] is True
    # Thu 9/30 + 3 working days: 10/1-7 off, Fri 10/8 (1), Sat 10/9 make-up (2), Mon 10/11 (3).
    assert calendar.due(d("2027-09-30"), 3, W) == Due(d("2027-10-11"), False)
    assert WorkingCalendar().due(d("2027-09-30"), 3, W) == Due(d("2027-10-06"), True)
    # Days the notice does not list are ordinary days, no longer provisional.
    assert calendar.due(d("2027-03-01"), 5, W) == Due(d("2027-03-08"), False)
    assert calendar.lookup(d("2027-03-06")) == (False, False)  # a Saturday
    assert calendar.due(d("2027-02-04"), 1, C) == Due(d("2027-02-12"), False)  # 春节 → Fri 2/12
    # 2028 is still the fallback.
    assert calendar.due(d("2027-12-30"), 2, W) == Due(d("2028-01-03"), True)


def test_reloading_a_year_replaces_it_and_leaves_other_years(engine: Engine) -> None:
    _load(engine)
    _load(
        engine,
        "year: 2028\nsource: 2028 通知（测试用）\n"
        "holidays: ['2028-01-01..2028-01-03', '2028-05-01..2028-05-05', '2028-10-01..2028-10-07']\n"
        "workdays: [2028-10-08]\n",
    )
    revised = SCHEDULE_2027.replace("中秋节: [2027-09-15]", "中秋节: ['2027-09-15..2027-09-17']")
    revised = revised.replace("workdays: [2027-02-20, 2027-04-25, 2027-09-26, 2027-10-09]", "")
    _load(engine, revised)
    with session_scope(engine) as session:
        loaded = loaded_days(session)
        calendar = calendar_from_db(session)
    assert loaded[d("2027-09-17")] is False
    assert d("2027-09-26") not in loaded  # the old make-up day is gone
    assert loaded[d("2028-10-08")] is True  # 2028 untouched
    assert len([day for day in loaded if day.year == 2027]) == 27 + 2
    assert calendar.lookup(d("2027-09-26")) == (False, False)  # an ordinary Sunday now
    # Reloading within one session works as well.
    schedule = parse_schedule(SCHEDULE_2027)
    with session_scope(engine) as session:
        for _ in range(2):
            load_schedule(
                session,
                2027,
                schedule.holidays,
                schedule.workdays,
                source="again",
                loaded_by=None,
                at=AT,
            )
        session.commit()
        assert len([day for day in loaded_days(session) if day.year == 2027]) == 31


@pytest.mark.parametrize(
    ("holidays", "workdays", "fragment"),
    [
        (["2026-12-31", "2027-01-01"], [], "not in 2027"),
        (["2027-10-01", "2027-10-02"], ["2027-10-02"], "both"),
        ([], ["2027-02-20"], "no holidays"),
        (["2027-03-02"], [], "incomplete"),  # a single day is not a 2027 notice
    ],
)
def test_a_bad_schedule_is_refused_and_nothing_is_stored(
    engine: Engine, holidays: list[str], workdays: list[str], fragment: str
) -> None:
    with session_scope(engine) as session, pytest.raises(InvalidInput) as caught:
        load_schedule(
            session,
            2027,
            [d(x) for x in holidays],
            [d(x) for x in workdays],
            source="x",
            loaded_by=None,
            at=AT,
        )
    assert fragment in caught.value.message_en
    assert caught.value.message_zh
    with session_scope(engine) as session:
        assert loaded_days(session) == {} == overrides(session)


def test_a_single_local_closure_in_an_official_year_overrides_only_that_day(
    engine: Engine,
) -> None:
    with session_scope(engine) as session:
        load_schedule(session, 2021, [d("2021-10-12")], [], source="局通知", loaded_by=None, at=AT)
        session.commit()
        calendar = calendar_from_db(session)
        assert overrides(session) == {d("2021-10-12"): False}
    assert calendar.due(d("2021-09-17"), 15, W) == Due(d("2021-10-15"), False)
    assert calendar.lookup(d("2021-10-04")) == (False, False)  # the packaged holiday stands


# --- the CLI against a temporary SQLite database ------------------------------------------------


@pytest.fixture
def var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("EIA_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("EIA_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path / "var"
    get_settings.cache_clear()


def test_the_cli_loads_a_schedule_and_due_uses_it(var_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    before = runner.invoke(app, ["calendar", "due", "2027-09-30", "3"])
    assert before.stdout == "2027-10-06\nprovisional\n"
    assert not (var_dir / "eia.db").exists()

    path = tmp_path / "2027.yaml"
    path.write_text(SCHEDULE_2027, encoding="utf-8")
    loaded = runner.invoke(app, ["calendar", "load", str(path)])
    assert loaded.exit_code == 0, loaded.output
    assert "2027" in loaded.stdout and "27" in loaded.stdout and "Loaded" in loaded.stdout
    assert (var_dir / "eia.db").is_file()

    after = runner.invoke(app, ["calendar", "due", "2027-09-30", "3"])
    assert after.exit_code == 0, after.output
    assert after.stdout == "2027-10-11\n"
    used = runner.invoke(app, ["calendar", "used", "2027-09-30", "2027-10-11"])
    assert used.stdout == "3\n"


def test_the_cli_refuses_a_bad_file(var_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("year: 2027\nsource: x\nholidays: ['2027-03-02']\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["calendar", "load", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("错误：")
    assert "Error: " in result.stderr
    assert not (var_dir / "eia.db").exists()  # refused before touching the database
    missing = CliRunner().invoke(app, ["calendar", "load", str(tmp_path / "none.yaml")])
    assert missing.exit_code == 2
    assert "cannot read" in missing.stderr
