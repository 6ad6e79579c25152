"""What the deadline sweep decides: deemed acceptance (§32), warning levels, reminders.

Each function works in the caller's transaction and is idempotent: a case already accepted is
not deemed again, a warning already at its level is not rewritten, a reminder already sent
(Reminder row, unique per case, step and level) is not sent again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import String, bindparam, text, type_coerce, update
from sqlmodel import Session, col, select

from approvals.casework import hooks as case_hooks
from approvals.casework.transitions import move
from approvals.catalogue import Catalogue, DayUnit, Item, lawbook
from approvals.catalogue.item_versions import item_of
from approvals.catalogue.process.standard import FINAL, HUMAN_STEP, Action
from approvals.clock import Clock, as_local, local_date, to_utc
from approvals.timekeeping.calendar import WorkingCalendar
from approvals.timekeeping.case_clock import SweepClock
from models import (
    Application,
    ClockPause,
    OutboxMail,
    Reminder,
    Role,
    Status,
    StepRecord,
    User,
    WarningLevel,
)
from models.enums import STATUS_LABELS, WARNING_LABELS
from models.ids import id_of

INTAKE_DAYS = lawbook.DEFAULT_INTAKE_DAYS  # 行政许可法第32条, unless the item's law sets one


def intake_deadline(calendar: WorkingCalendar, received_on: date, item_code: str = "") -> date:
    """The last day to tell the applicant what to correct: the item's own period (e.g.
    排污许可管理条例第9条: 3日), else 5 working days (行政许可法第32条)."""
    days, unit, _ = lawbook.intake_period(item_code)
    return calendar.due(received_on, days, unit).day


def deemed_acceptance_due(session: Session, calendar: WorkingCalendar, today: date) -> list[int]:
    """Cases still awaiting intake after their intake period from receipt."""
    rows = session.exec(
        select(col(Application.id), col(Application.received_on), col(Application.item_code)).where(
            col(Application.status) == Status.SUBMITTED, col(Application.received_on).is_not(None)
        )
    ).all()
    return [
        i
        for i, received, code in rows
        if i is not None and received and intake_deadline(calendar, received, code) < today
    ]


def deem_accepted(
    session: Session,
    clock: Clock,
    calendar: WorkingCalendar,
    catalogue: Catalogue,
    application_id: int,
) -> bool:
    """Accept as of the receipt date, with an audit event and a 受理通知书 saying so."""
    application = session.get(Application, application_id)
    today = local_date(clock.now())
    if (
        application is None
        or application.status is not Status.SUBMITTED
        or application.received_on is None
        or intake_deadline(calendar, application.received_on, application.item_code) >= today
    ):
        return False
    now = clock.now()
    received = application.received_on
    application.accepted_on = application.clock_started_on = received
    session.add(application)
    item = item_of(session, application)
    move(
        session,
        to_utc(now),
        application,
        Action.DEEMED_ACCEPT,
        None,
        _deemed_note(application.item_code, received),
        payload={"materials": [], "clock_stops": list(item.clock_stops), "deemed": True},
    )
    case_hooks.accepted(session, calendar, application, item, received, to_utc(now))
    return True


def _deemed_note(item_code: str, received: date) -> str:
    days, unit, _ = lawbook.intake_period(item_code)
    period = f"{days}个工作日" if unit is DayUnit.WORKING else f"{days}日"
    return f"收到申请后{period}内未告知补正，自{received.isoformat()}起视为受理"


@dataclass(frozen=True)
class SweepCounts:
    checked: int
    changed: int


def refresh_warnings(
    session: Session,
    calendar: WorkingCalendar,
    catalogue: Catalogue,
    today: date,
    batch: int = 5000,
) -> SweepCounts:
    """Recompute due date and warning of every open case; write only what changed."""
    open_statuses = [s for s in Status if s not in FINAL and s is not Status.DRAFT]
    checked = changed = 0
    columns = (
        Application.id,
        Application.item_code,
        Application.item_version,
        # as stored (the enum members are looked up below: 300,000 Enum() calls cost 0.3 s)
        type_coerce(Application.status, String),
        type_coerce(Application.track, String),
        Application.clock_started_on,
        Application.decided_on,
        Application.due_on,
        type_coerce(Application.warning, String),  # a WarningLevel equals its value
        Application.due_provisional,
    )
    statuses = {s.value: s for s in Status}
    items: dict[tuple[str, int], Item] = {}
    clock = SweepClock(calendar, today)  # cases sharing a start, an item or a step share work
    write = _write_unnest if session.get_bind().dialect.name == "postgresql" else _write_many
    # One read of the open cases (plain rows: no ORM objects), then batches by id range so the
    # pause and step look-ups bind two values instead of thousands.
    db = session.connection()  # Core rows: no ORM result processing for 100,000 rows
    everything = db.execute(
        select(*columns)  # type: ignore[call-overload]  # beyond sqlmodel's typed overloads
        .where(col(Application.status).in_(open_statuses))
        .order_by(col(Application.id))
    ).all()
    for start in range(0, len(everything), batch):
        cases = everything[start : start + batch]
        lo, hi = cases[0].id, cases[-1].id
        pauses: dict[int, list[tuple[date, date | None]]] = {}
        for application_id, start_on, end_on in db.execute(
            select(
                col(ClockPause.application_id), col(ClockPause.start_on), col(ClockPause.end_on)
            ).where(col(ClockPause.application_id).between(lo, hi))
        ):
            pauses.setdefault(application_id, []).append((start_on, end_on))
        entered = dict(
            db.execute(
                select(StepRecord.application_id, StepRecord.entered_at).where(
                    col(StepRecord.application_id).between(lo, hi),
                    col(StepRecord.left_at).is_(None),
                )
            )
            .tuples()
            .all()
        )
        updates: list[tuple[int, date | None, WarningLevel, bool]] = []
        for case in cases:
            case_id, code, version, stored, track, started, decided, due, warning, prov = case
            key = (code, version)
            item = items.get(key)
            if item is None:
                item = items[key] = item_of(session, case)  # type: ignore[arg-type]  # a Row with its columns
            at = entered.get(case_id)
            state = clock.state(
                key,
                item,
                statuses[stored],
                track,
                started,
                decided,
                tuple(pauses[case_id]) if case_id in pauses else (),
                local_date(at) if at is not None else None,
            )
            if state != (due, warning, prov):
                updates.append((case_id, *state))
        if updates:
            write(session, updates, lo, hi)
        checked += len(cases)
        changed += len(updates)
    session.expunge_all()
    session.flush()
    return SweepCounts(checked, changed)


_UNNEST = text(
    "UPDATE application AS a SET due_on = v.due_on, warning = v.warning, "
    "due_provisional = v.provisional "
    "FROM unnest(CAST(:ids AS bigint[]), CAST(:dues AS date[]), CAST(:warnings AS varchar[]), "
    "CAST(:provisionals AS boolean[])) AS v(id, due_on, warning, provisional) "
    "WHERE a.id = v.id AND a.id BETWEEN :lo AND :hi"
)  # the range lets PostgreSQL join on the primary key's range, not hash the whole table


def _write_unnest(
    session: Session, rows: list[tuple[int, date | None, WarningLevel, bool]], lo: int, hi: int
) -> None:
    """PostgreSQL: one statement for the batch, its rows sent as four arrays."""
    ids, dues, warnings, provisionals = zip(*rows, strict=True)
    session.execute(
        _UNNEST,
        {
            "ids": list(ids),
            "dues": list(dues),
            "warnings": [w.value for w in warnings],
            "provisionals": list(provisionals),
            "lo": lo,
            "hi": hi,
        },
    )


def _write_many(
    session: Session, rows: list[tuple[int, date | None, WarningLevel, bool]], lo: int, hi: int
) -> None:
    """Other databases (SQLite): one executemany by primary key, no ORM synchronisation."""
    table = Application.__table__  # type: ignore[attr-defined]  # SQLModel's table
    session.execute(
        update(table)
        .where(table.c.id == bindparam("case_id"))
        .values(
            due_on=bindparam("due"), warning=bindparam("level"), due_provisional=bindparam("p")
        ),
        [{"case_id": i, "due": d, "level": w, "p": p} for i, d, w, p in rows],
    )


def queue_reminders(session: Session, clock: Clock) -> int:
    """Mail the assignees of every yellow or red case once per step and level; red cases
    (overdue) also go to the section chiefs. Returns how many reminders were queued."""
    now = clock.now()
    staff = session.exec(select(User).where(User.is_active == True)).all()  # noqa: E712
    by_role: dict[Role, list[User]] = {}
    for user in staff:
        by_role.setdefault(user.role, []).append(user)
    sent = session.exec(select(Reminder.application_id, Reminder.step, Reminder.level)).all()
    done = {(a, s, WarningLevel(level)) for a, s, level in sent}
    queued = 0
    cases = session.exec(
        select(Application).where(
            col(Application.warning).in_([WarningLevel.YELLOW, WarningLevel.RED])
        )
    ).all()
    for case in cases:
        if case.status in FINAL or (case.id, case.status.value, case.warning) in done:
            continue
        role = HUMAN_STEP.get(case.status)
        recipients = list(by_role.get(role, [])) if role and role is not Role.APPLICANT else []
        if case.warning is WarningLevel.RED:
            recipients += by_role.get(Role.SECTION_CHIEF, [])
        session.add(
            Reminder(
                application_id=id_of(case),
                step=case.status.value,
                level=case.warning,
                created_at=to_utc(now),
            )
        )
        for user in {u.id: u for u in recipients}.values():
            session.add(_reminder_mail(case, user, now))
        case_hooks.warned(session, case, now)  # 万人助万企: the key enterprise's liaison
        queued += 1
    session.flush()
    return queued


def _reminder_mail(case: Application, user: User, now: datetime) -> OutboxMail:
    level = WARNING_LABELS[case.warning]
    stamp = f"{as_local(to_utc(now)):%Y-%m-%d %H:%M}"
    due = (
        f"{case.due_on.isoformat()}{'（暂定）' if case.due_provisional else ''}"
        if case.due_on
        else "—"
    )
    return OutboxMail(
        message_id=f"<reminder-{case.id}-{case.status.value}-{case.warning.value}-{user.id}@eia.local>",
        application_id=case.id,
        to_addr=user.email,
        subject=f"【{level}】办件{case.number}（{case.project_name}）",
        body=(
            f"{user.display_name}：\n\n办件 {case.number}“{case.project_name}”当前环节为"
            f"“{STATUS_LABELS[case.status]}”，时限状态：{level}，法定期限届满日：{due}。\n"
            f"请及时办理。\n\n本邮件由电子监察系统自动发送（{stamp}）。\n"
        ),
        created_at=to_utc(now),
    )
