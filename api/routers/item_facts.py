"""数据来源与核实 (staff only): each item version's research (evidence markers, sources, notes,
the English name) beside the verification state of its facts; verify, then publish.

Readers: any staff role (the public reads the guide instead). Verdicts and publication: the
section chief, the leader or the administrator; each is an audit event.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlmodel import Session

from api.deps import CurrentUser, ServicesDep, SessionDep, require_roles
from api.services import AppServices
from approvals.casework import fact_checks
from approvals.casework.fact_checks import VersionState
from approvals.clock import to_utc
from models import Role

router = APIRouter(prefix="/api/admin/items", tags=["数据来源与核实 item facts"])
READERS = (Role.INTAKE_OFFICER, Role.CASE_OFFICER, Role.SECTION_CHIEF, Role.LEADER,
           Role.AUDITOR, Role.ADMIN)  # fmt: skip
VERIFIERS = (Role.SECTION_CHIEF, Role.LEADER, Role.ADMIN)
READER = require_roles(*READERS)
VERIFIER = require_roles(*VERIFIERS)


class FactStatePublic(BaseModel):
    fact: str
    label: str
    evidence: str
    verified: bool
    by: str
    at: datetime | None
    note: str


class ItemFactsPublic(BaseModel):
    """One item version for staff: its research and the state of each fact."""

    code: str
    version: int
    name_zh: str
    published: bool
    published_at: datetime | None
    published_by: str
    verified_count: int
    facts: list[FactStatePublic]
    research: dict[str, Any]  # the whole item file: notes, evidence, sources, English name


class FactVerdict(BaseModel):
    model_config = ConfigDict(extra="forbid")
    verified: bool
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = Field(
        default="", description="核实依据（文件、文号、咨询记录等）"
    )


class ItemFactsSummary(BaseModel):
    code: str
    version: int
    name_zh: str
    verified_count: int
    fact_count: int
    published_at: datetime | None


@router.get("", response_model=list[ItemFactsSummary], dependencies=[READER],
            summary="各事项核实情况 / verification of every item")  # fmt: skip
def items_facts(session: SessionDep, services: ServicesDep) -> list[ItemFactsSummary]:
    return catalogue_summary(session, services)


def catalogue_summary(session: Session, services: AppServices) -> list[ItemFactsSummary]:
    items = services.catalogue.items
    verified = fact_checks.verified_facts(session, items)
    published = fact_checks.published(session, items)
    return [
        ItemFactsSummary(
            code=i.code,
            version=i.version,
            name_zh=i.name_zh,
            verified_count=len(verified[i.code]),
            fact_count=len(fact_checks.FACT_LABELS),
            published_at=published.get(i.code),
        )
        for i in items
    ]


def facts_public(state: VersionState) -> ItemFactsPublic:
    item = state.item
    return ItemFactsPublic(
        code=item.code,
        version=item.version,
        name_zh=item.name_zh,
        published=state.published_at is not None,
        published_at=state.published_at,
        published_by=state.published_by,
        verified_count=len(state.verified),
        facts=[
            FactStatePublic(**{**f.__dict__, "evidence": f.evidence.value}) for f in state.facts
        ],
        research=item.model_dump(mode="json"),
    )


@router.get("/{code}/facts", response_model=ItemFactsPublic, dependencies=[READER],
            summary="事项数据来源与核实情况 / an item's research and verification")  # fmt: skip
def item_facts(code: str, session: SessionDep, services: ServicesDep) -> ItemFactsPublic:
    return facts_public(fact_checks.version_state(session, services.catalogue.get(code)))


@router.put("/{code}/facts/{fact}", response_model=ItemFactsPublic, dependencies=[VERIFIER],
            summary="核实一项内容 / record a verdict on one fact")  # fmt: skip
def mark_fact(
    code: str,
    fact: str,
    body: FactVerdict,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
) -> ItemFactsPublic:
    item = services.catalogue.get(code)
    at = to_utc(services.clock.now())
    fact_checks.mark(session, item, fact, verified=body.verified, actor=user, at=at,
                     note=body.note)  # fmt: skip
    session.commit()
    return facts_public(fact_checks.version_state(session, item))


@router.post("/{code}/publish", response_model=ItemFactsPublic, dependencies=[VERIFIER],
             summary="发布事项版本 / publish a fully verified version")  # fmt: skip
def publish(
    code: str, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> ItemFactsPublic:
    """409 while any fact of the version is unverified (``details.unverified`` names them)."""
    item = services.catalogue.get(code)
    fact_checks.publish(session, item, actor=user, at=to_utc(services.clock.now()))
    session.commit()
    return facts_public(fact_checks.version_state(session, item))
