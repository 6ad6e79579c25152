"""What the case workflow asks 容缺受理: one call at submission (which missing materials the
signed commitment excuses) and one at sign-off (nothing may still be owed)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from approvals.catalogue.item_versions import item_of
from approvals.errors import InvalidInput, InvalidTransition
from approvals.tolerance.commitments import BAD_CREDIT, enterprise_listed, find, owed_materials
from models import Application
from models.ids import id_of
from models.tolerance import ToleranceState


def excused_materials(session: Session, application: Application, today: date) -> frozenset[str]:
    """The material codes a submission may lack: those of a signed, still owed commitment.
    Refused when the enterprise is (now) on the bad-credit list or the promised date passed."""
    row = find(session, id_of(application))
    if row is None or row.state is not ToleranceState.OWED:
        return frozenset()
    if enterprise_listed(session, application):
        raise InvalidInput(BAD_CREDIT, "the enterprise is on the bad-credit list")
    if row.supply_by <= today:
        raise InvalidInput(
            "容缺受理承诺的补齐日期已到，请补齐材料或重新签署承诺后再提交",
            "the commitment's supply date has passed",
        )
    return frozenset(row.material_codes)


def check_may_sign(session: Session, application: Application) -> None:
    """The decision is not signed while a material owed under 容缺受理 has not arrived."""
    row = find(session, id_of(application))
    if row is None or row.state is ToleranceState.SUPPLIED:
        return
    owed = owed_materials(
        session, item_of(session, application), id_of(application), row.material_codes
    )
    missing = [o.name for o in owed if not o.supplied]
    raise InvalidTransition(
        "容缺受理的材料尚未补齐，不能签发：" + "；".join(missing or ["（承诺未办结）"]),
        "materials owed under 容缺受理 have not arrived",
        owed=[o.code for o in owed if not o.supplied],
    )
