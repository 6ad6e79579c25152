"""``eia calendar``: due dates and used days on the statutory clock, and loading a year's
official holiday schedule.

``due`` and ``used`` read staff-loaded days from the configured database when it exists and
answers (an SQLite file is never created here); otherwise they use the packaged schedule and
the provisional fallback. Output: the answer on the first line, ``provisional`` on a second line
only when a year outside the official schedule was used. Bad input: a Chinese and an English
message on stderr, exit code 2.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import NoReturn

import typer

from approvals.errors import DomainError, InvalidInput
from approvals.timekeeping.calendar import (
    Pause,
    WorkingCalendar,
    parse_day,
    parse_pause,
    validate_pauses,
)

calendar_app = typer.Typer(
    help="法定时限日历：到期日、已用天数、加载节假日安排 (statutory working-day calendar)",
    no_args_is_help=True,
)

# "-3" must reach the command as DAYS (and be refused in both languages), not as an option.
_ARGS = {"ignore_unknown_options": True}
_UNITS = ("working", "calendar")


def _fail(exc: DomainError) -> NoReturn:
    typer.echo(f"错误：{exc.message_zh}", err=True)
    typer.echo(f"Error: {exc.message_en}", err=True)
    raise typer.Exit(2)


def _unit(text: str) -> str:
    if text not in _UNITS:
        raise InvalidInput(
            f"期限单位“{text}”无效，应为 working（工作日）或 calendar（自然日）",
            f"invalid --unit {text!r}: expected 'working' or 'calendar'",
        )
    return text


def _days(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise InvalidInput(
            f"天数“{text}”无效，应为非负整数",
            f"invalid DAYS {text!r}: expected a non-negative whole number",
        ) from None
    if value < 0:
        raise InvalidInput(
            f"期限天数不能为负数（{value}）", f"the number of days cannot be negative ({value})"
        )
    return value


def _pauses(texts: list[str]) -> list[Pause]:
    return validate_pauses(parse_pause(text) for text in texts)


def _database_url() -> str:
    from core.settings import get_settings

    return get_settings().resolved_database_url


def _sqlite_path(url: str) -> Path | None:
    from sqlalchemy.engine import make_url

    database = make_url(url).database
    return Path(database) if database and database != ":memory:" else None


def _calendar() -> WorkingCalendar:
    """The calendar with staff-loaded days when the configured database is there."""
    url = _database_url()
    connect_args: dict[str, object] = {}
    if url.startswith("sqlite"):
        path = _sqlite_path(url)
        if path is None or not path.is_file():
            return WorkingCalendar()
    elif url.startswith("postgresql"):
        connect_args = {"connect_timeout": 3}
    from sqlalchemy import create_engine, inspect
    from sqlmodel import Session

    from approvals.timekeeping.holidays import calendar_from_db

    engine = create_engine(url, connect_args=connect_args)
    try:
        if not inspect(engine).has_table("holidayday"):
            return WorkingCalendar()  # not migrated yet: nothing was ever loaded
        with Session(engine) as session:
            return calendar_from_db(session)
    except Exception as exc:  # unreachable, not migrated: the packaged schedule still answers
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        typer.echo(
            f"注意：未能读取节假日表，仅用内置安排。Note: holiday table not read ({reason})",
            err=True,
        )
        return WorkingCalendar()
    finally:
        engine.dispose()


def _print(value: str, provisional: bool) -> None:
    typer.echo(value)
    if provisional:
        typer.echo("provisional")


@calendar_app.command(context_settings=_ARGS)
def due(
    start: str = typer.Argument(..., metavar="START", help="起算事件之日 YYYY-MM-DD（次日起算）"),
    days: str = typer.Argument(..., metavar="DAYS", help="期限天数（非负整数）"),
    unit: str = typer.Option("working", "--unit", help="working（工作日）| calendar（自然日）"),
    pause: list[str] = typer.Option(
        [], "--pause", metavar="FROM:TO", help="中止 FROM:TO（FROM 当日计入，TO 不计入）"
    ),
) -> None:
    """The due date of a limit of DAYS starting the day after START."""
    try:
        begin, limit, kind = parse_day(start), _days(days), _unit(unit)
        stops = _pauses(pause)
        result = _calendar().due(begin, limit, kind, stops)
    except DomainError as exc:
        _fail(exc)
    _print(result.day.isoformat(), result.provisional)


@calendar_app.command(context_settings=_ARGS)
def used(
    start: str = typer.Argument(..., metavar="START", help="起算事件之日 YYYY-MM-DD（次日起算）"),
    today: str = typer.Argument(..., metavar="TODAY", help="计算到哪一天 YYYY-MM-DD（含当日）"),
    unit: str = typer.Option("working", "--unit", help="working（工作日）| calendar（自然日）"),
    pause: list[str] = typer.Option(
        [], "--pause", metavar="FROM:TO", help="中止 FROM:TO（FROM 当日计入，TO 不计入）"
    ),
) -> None:
    """Days used from the day after START through TODAY, pauses excluded."""
    try:
        begin, end, kind = parse_day(start), parse_day(today), _unit(unit)
        stops = _pauses(pause)
        result = _calendar().used(begin, end, kind, stops)
    except DomainError as exc:
        _fail(exc)
    _print(str(result.days), result.provisional)


@calendar_app.command()
def load(
    file: Path = typer.Argument(..., metavar="FILE", help="节假日安排 YAML 文件"),
) -> None:
    """Load a year's official holiday schedule into the configured database (replaces that
    year's loaded days)."""
    from approvals.clock import SHANGHAI
    from approvals.timekeeping.holidays import load_schedule, parse_schedule_file
    from core.db import make_engine, session_scope
    from migrations.runner import upgrade

    try:
        schedule = parse_schedule_file(file)
    except DomainError as exc:
        _fail(exc)
    url = _database_url()
    if url.startswith("sqlite"):
        path = _sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    try:
        upgrade(engine)
        with session_scope(engine) as session:
            stored = load_schedule(
                session,
                schedule.year,
                schedule.holidays,
                schedule.workdays,
                source=schedule.source,
                loaded_by=None,
                names=schedule.names,
                at=datetime.now(SHANGHAI),
            )
            session.commit()
    except DomainError as exc:
        _fail(exc)
    finally:
        engine.dispose()
    holidays, workdays = len(set(schedule.holidays)), len(set(schedule.workdays))
    typer.echo(
        f"已加载 {schedule.year} 年节假日安排：放假 {holidays} 天，调休上班 {workdays} 天，"
        f"共 {stored} 条（来源：{schedule.source}）"
    )
    typer.echo(
        f"Loaded the {schedule.year} schedule: {holidays} holidays, {workdays} make-up working "
        f"days, {stored} rows (source: {schedule.source})"
    )
