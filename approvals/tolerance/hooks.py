"""How 容缺受理 joins the shared case logic (casework.hooks): the materials a submission may
still owe, and the sign-off refused while any is owed."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from approvals.casework.hooks import CaseHooks
from approvals.catalogue import Item
from approvals.tolerance import gate
from models import Application, Outcome


def _nothing_owed(
    session: Session, item: Item, application: Application, outcome: Outcome, today: date
) -> None:
    gate.check_may_sign(session, application)


def register(hooks: CaseHooks) -> None:
    hooks.excused_materials.append(gate.excused_materials)
    hooks.may_sign.append(_nothing_owed)
