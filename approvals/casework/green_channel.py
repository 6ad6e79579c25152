"""The green channel (特事特办): a case flagged with a justification by staff with authority
jumps every queue and runs on shortened step budgets; auditors list it separately."""

from __future__ import annotations

from sqlmodel import Session

from approvals import audit
from approvals.casework.queries import get_application_for
from approvals.catalogue.item_versions import item_of
from approvals.catalogue.process.standard import FINAL
from approvals.clock import Clock, local_date, to_utc
from approvals.errors import ConcurrentUpdate, InvalidInput, InvalidTransition, PermissionDenied
from approvals.timekeeping.case_clock import refresh_cached
from approvals.timekeeping.schedule import shared_calendar
from models import GreenChannel, Role, Track, User
from models.enums import ROLE_LABELS
from models.ids import id_of

AUTHORISED = frozenset({Role.SECTION_CHIEF, Role.LEADER, Role.ADMIN})


def flag(
    session: Session, clock: Clock, actor: User, application_id: int, justification: str
) -> GreenChannel:
    if actor.role not in AUTHORISED:
        raise PermissionDenied(
            "只有科室负责人、分管领导或管理员可以启用绿色通道",
            "only a section chief, a leader or an admin flags the green channel",
        )
    text = justification.strip()
    if len(text) < 10:
        raise InvalidInput(
            "请写明启用绿色通道的理由（不少于10个字）",
            "a justification of at least 10 characters is required",
        )
    application = get_application_for(session, actor, application_id)
    if application.status in FINAL:
        raise InvalidTransition("已办结的办件不能启用绿色通道", "the case is already decided")
    if session.get(GreenChannel, application_id) is not None:
        raise ConcurrentUpdate("该办件已在绿色通道中", "the case is already in the green channel")
    now = to_utc(clock.now())
    row = GreenChannel(
        application_id=application_id, justification=text, flagged_by=id_of(actor), flagged_at=now
    )
    application.track = Track.GREEN
    session.add_all([row, application])
    audit.append_event(
        session,
        at=now,
        application_id=application_id,
        actor_id=actor.id,
        actor_name=actor.display_name,
        actor_role=ROLE_LABELS[actor.role],
        action="green_channel",
        comment=text,
    )
    refresh_cached(
        session,
        shared_calendar(),
        item_of(session, application),
        application,
        local_date(clock.now()),
    )
    return row
