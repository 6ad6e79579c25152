"""帮办代办 over JSON: the administrator names helpers (帮办员); the enterprise's account
administrator authorises one (actions, items, period) and revokes it; the helper then sends
``X-Acting-For`` with the enterprise's own requests (``api.helper_acting``)."""

from __future__ import annotations

from fastapi import APIRouter, status

from api.deps import CurrentUser, ServicesDep, SessionDep, require_roles
from api.params import Id
from approvals.clock import local_date
from approvals.liaison import helpers
from models import Role
from models.liaison import HelperAuthorisationPublic, HelperGrant

router = APIRouter(prefix="/api/helpers", tags=["帮办代办 helpers"])
ADMIN = require_roles(Role.ADMIN)
APPLICANT = require_roles(Role.APPLICANT)


@router.put("/{user_id}", status_code=status.HTTP_204_NO_CONTENT, dependencies=[ADMIN])
def designate(user_id: Id, user: CurrentUser, session: SessionDep, services: ServicesDep) -> None:
    """Name an active staff user 帮办员."""
    helpers.designate(session, services.clock.now(), user, user_id)
    session.commit()


@router.get("/authorisations", response_model=list[HelperAuthorisationPublic])
def authorisations(
    user: CurrentUser, session: SessionDep, services: ServicesDep
) -> list[HelperAuthorisationPublic]:
    """The enterprise's authorisations (its users) or the helper's own (staff)."""
    return helpers.listed(session, user, local_date(services.clock.now()))


@router.post(
    "/authorisations",
    response_model=HelperAuthorisationPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[APPLICANT],
)
def grant(
    body: HelperGrant, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> HelperAuthorisationPublic:
    """The enterprise's account administrator authorises a helper (actions: apply, submit)."""
    now = services.clock.now()
    row = helpers.grant(session, now, user, body)
    session.commit()
    return helpers.public(session, row, local_date(now))


@router.post(
    "/authorisations/{authorisation_id}/revoke",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[APPLICANT],
)
def revoke(
    authorisation_id: Id, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> None:
    helpers.revoke(session, services.clock.now(), user, authorisation_id)
    session.commit()
