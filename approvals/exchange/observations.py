"""The bureau's 失信记分 observations on a decided case's report, and their export for upload.

**found** — 生态环境部公告2019年第39号: a 设区的市级以上 bureau uploads its 失信记分 decisions
to the credit platform within five working days of deciding them (through its 环评智慧平台 account);
《失信行为记分办法（试行）》 scores 编制单位 and 编制人员. **inferred** — the export's columns
(the platform's upload form was not accessible): ``EXPORT_COLUMNS``.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from sqlmodel import Session, col, select

from approvals.casework.queries import get_application_for
from approvals.clock import Clock, local_date, to_utc
from approvals.errors import InvalidInput, InvalidTransition, PermissionDenied
from approvals.timekeeping.schedule import shared_calendar
from models import Application, CreditObservation, Role, User
from models.ids import id_of

UPLOAD_WORKING_DAYS = 5
SCORERS = frozenset({Role.CASE_OFFICER, Role.SECTION_CHIEF, Role.LEADER})
MAX_POINTS = 20  # the 记分办法's single-behaviour scores stay well below this (inferred bound)
EXPORT_COLUMNS = (
    "信用管理对象类型", "名称或姓名", "统一社会信用代码或信用编号", "失信行为", "记分分值",
    "记分决定日期", "上传截止日期", "关联办件编号", "记分单位",
)  # fmt: skip


def record_observation(
    session: Session,
    clock: Clock,
    actor: User,
    application_id: int,
    *,
    party: str,
    identifier: str,
    name: str,
    behaviour: str,
    points: int,
) -> CreditObservation:
    """A 失信记分 on a decided case; its upload is due five working days after today."""
    if actor.role not in SCORERS:
        raise PermissionDenied("只有承办人、科长和领导可以记录失信记分", "staff only")
    application = get_application_for(session, actor, application_id)
    if application.decided_on is None:
        raise InvalidTransition("办件作出决定后才能记录失信记分", "the case is not decided yet")
    if party not in ("unit", "person") or not identifier.strip() or not name.strip():
        raise InvalidInput("请填写信用管理对象类型、名称和代码", "party, name and identifier")
    if not 1 <= points <= MAX_POINTS or not behaviour.strip():
        raise InvalidInput(f"请填写失信行为和记分分值（1至{MAX_POINTS}分）", "behaviour, points")
    today = local_date(clock.now())
    observation = CreditObservation(
        application_id=application_id,
        party=party,
        identifier=identifier.strip().upper()[:40],
        name=name.strip()[:200],
        behaviour=behaviour.strip()[:500],
        points=points,
        decided_on=today,
        upload_due_on=shared_calendar().add_working_days(today, UPLOAD_WORKING_DAYS).day,
        recorded_by=id_of(actor),
        recorded_at=to_utc(clock.now()),
    )
    session.add(observation)
    session.flush()
    return observation


def export_observations(
    session: Session, *, bureau: str, now: datetime, only_new: bool = True
) -> tuple[str, int]:
    """CSV (UTF-8 with BOM) of the observations not yet exported; marks them exported."""
    query = select(CreditObservation).order_by(col(CreditObservation.id))
    if only_new:
        query = query.where(col(CreditObservation.exported_at).is_(None))
    rows = list(session.exec(query))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        application = session.get(Application, row.application_id)
        writer.writerow(
            [
                "编制单位" if row.party == "unit" else "编制人员",
                row.name, row.identifier, row.behaviour, row.points,
                row.decided_on.isoformat(), row.upload_due_on.isoformat(),
                application.number if application else "", bureau,
            ]
        )  # fmt: skip
        row.exported_at = now
        session.add(row)
    session.flush()
    return "\ufeff" + out.getvalue(), len(rows)
