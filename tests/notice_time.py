"""Letting a case's public notices run out without waiting for them: the notices are moved back
(``approvals.participation.notice_dates``, audited), the test's clock stays where it is."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from approvals.catalogue.item_versions import item_of
from approvals.catalogue.schema import Item
from approvals.clock import Clock, local_date, to_utc
from approvals.participation.notice_dates import move_case_notices_to_ended
from approvals.participation.pre_approval import (
    PreApprovalIn,
    publish_pre_approval,
    spec_before_signing,
)
from approvals.timekeeping.schedule import shared_calendar
from models import Application, Decision, Outcome, User
from tests.helpers import minted_bearer


def end_notices(engine: Engine, clock: Clock, case_id: int) -> None:
    now = clock.now()
    with Session(engine) as session:
        move_case_notices_to_ended(
            session, shared_calendar(), case_id, local_date(now), to_utc(now)
        )
        session.commit()


def end_notices_of_app(app: Any, case_id: int) -> None:
    """The same for a case of the in-process app ``app`` (a TestClient's ``app``)."""
    services = app.state.services
    end_notices(services.engine, services.clock, case_id)


def end_notices_in(session: Session, clock: Clock, case_id: int) -> None:
    """The same inside a test's own session (services called directly); flushes."""
    now = clock.now()
    move_case_notices_to_ended(session, shared_calendar(), case_id, local_date(now), to_utc(now))


PRE_APPROVAL_TEXT = {
    "overview": "项目概况：新建生产线一条，总投资12000万元，其中环保投资360万元。",
    "measures": "主要环境影响为废气、废水、噪声和固体废物，均采取相应治理措施，可达标排放。",
}


def agree_and_end_pre_approval(client: Any, case_id: int, item_code: str | None = None) -> None:
    """The leader agrees in principle (the 拟批准公示, where the item publishes one before
    signing an approval) and the notice runs out, so the approval can be signed."""
    services = client.app.state.services
    with Session(services.engine) as session:
        application = session.get(Application, case_id)
        decision = session.exec(select(Decision).where(Decision.application_id == case_id)).first()
    assert application is not None
    item = services.catalogue.get(item_code or application.item_code)
    approving = decision is not None and decision.outcome is Outcome.APPROVE
    if spec_before_signing(item) is None or not approving:
        return
    published = client.post(
        f"/api/applications/{case_id}/pre-approval-notice",
        json=PRE_APPROVAL_TEXT,
        headers=minted_bearer(client.app, "lingdao"),
    )
    assert published.status_code == 200, published.text
    end_notices_of_app(client.app, case_id)


def agree_and_end_pre_approval_in(
    session: Session, clock: Clock, leader: User, application: Application, item: Item
) -> None:
    """The same through the services (tests that call them directly); flushes."""
    if spec_before_signing(item) is None:
        return
    now = clock.now()
    text = PreApprovalIn(PRE_APPROVAL_TEXT["overview"], PRE_APPROVAL_TEXT["measures"])
    publish_pre_approval(
        session, shared_calendar(), leader, application, item, text, to_utc(now), local_date(now)
    )
    assert application.id is not None
    end_notices_in(session, clock, application.id)


def agree_and_end_pre_approval_on(engine: Engine, clock: Clock, case_id: int) -> None:
    """The same on a database (a browser walk that has no test client)."""
    with Session(engine) as session:
        application = session.get(Application, case_id)
        leader = session.exec(select(User).where(User.username == "lingdao")).one()
        assert application is not None
        agree_and_end_pre_approval_in(
            session, clock, leader, application, item_of(session, application)
        )
        session.commit()
