"""The notification-commitment fast track (告知承诺制): eligibility, the commitment letter,
the decision within one working day, the post-approval check, revocation and conversion.

Services flush and never commit. Rendering the letter is the caller's (it needs documents/).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from approvals import audit
from approvals.casework.queries import get_application_for
from approvals.clock import Clock, local_date, to_utc
from approvals.commitment.eligibility import Eligibility, EligibilityInput, assess
from approvals.commitment.reference_data import current_parks, current_scope
from approvals.errors import ConcurrentUpdate, InvalidInput, InvalidTransition, PermissionDenied
from models import (
    Application,
    CommitmentBar,
    CommitmentCase,
    Enterprise,
    ProcessKind,
    Role,
    Status,
    User,
)
from models.enums import ROLE_LABELS
from models.ids import id_of
from models.schemas import CommitmentFacts

STANDARD_ITEM = "EIA-02"  # an ineligible report table goes to the standard review
POST_CHECK_DAYS = 20  # working days after the decision (configurable: EIA_COMMITMENT_*)
BAR_DAYS = 365  # calendar days barred from the fast track after a revocation
# The decision's own numbered requirements; the 三同时, acceptance and 排污许可 duties are a
# paragraph of the decision template itself and are not repeated here.
CONDITIONS = [
    "严格按照环境影响报告表及告知承诺书的内容建设，落实各项污染防治和生态保护措施。",
]
COMMITMENTS = [
    "本项目属于告知承诺制适用范围，位于{park}内，符合园区规划环境影响评价结论及审查意见。",
    "本项目不涉及《建设项目环境影响评价分类管理名录》第三条规定的环境敏感区。",
    "本项目不含电镀工艺，不属于“两高一危”项目，不涉及核与辐射。",
    "环境影响报告表内容真实、数据可靠、结论可信，我单位对其真实性负责。",
    "我单位将严格落实报告表提出的各项环境保护措施，执行“三同时”制度。",
    "我单位接受审批后的事后核查；如承诺不实，愿意承担审批决定被依法撤销、纳入信用记录及一定期限内不得适用告知承诺制等后果。",
]


@dataclass(frozen=True)
class CommitmentView:
    case: CommitmentCase
    eligibility: Eligibility


def _case(session: Session, application_id: int) -> CommitmentCase:
    row = session.get(CommitmentCase, application_id)
    if row is None:
        row = CommitmentCase(application_id=application_id)
        session.add(row)
        session.flush()
    return row


def barred_until(session: Session, enterprise_id: int, today: date) -> date | None:
    until = session.exec(
        select(col(CommitmentBar.until))
        .where(col(CommitmentBar.enterprise_id) == enterprise_id, col(CommitmentBar.until) > today)
        .order_by(col(CommitmentBar.until).desc())
    ).first()
    return until


def assess_case(
    session: Session, application: Application, facts: dict[str, Any], today: date
) -> Eligibility:
    enterprise = session.get(Enterprise, application.enterprise_id)
    assert enterprise is not None
    return assess(EligibilityInput(
        industry_code=application.industry_code, minglu_item=facts.get("minglu_item"),
        document_type=facts.get("document_type", "report_table"), district=application.district,
        park_name=facts.get("park_name"), longitude=facts.get("longitude"),
        latitude=facts.get("latitude"), in_sensitive_area=bool(facts.get("in_sensitive_area")),
        has_electroplating=bool(facts.get("has_electroplating")),
        is_two_high_one_danger=bool(facts.get("is_two_high_one_danger")),
        involves_radiation=bool(facts.get("involves_radiation")),
        barred_until=barred_until(session, id_of(enterprise), today),
        bad_credit=enterprise.bad_credit, today=today,
    ), current_scope(session), current_parks(session))  # fmt: skip


def _record(case: CommitmentCase, result: Eligibility) -> None:
    case.eligible = result.eligible
    case.findings = [
        {"reason": f.reason.value, "message_zh": f.message_zh, "message_en": f.message_en}
        for f in result.findings
    ]
    case.scope_version = result.scope_version


def facts_digest(application: Application, facts: dict[str, Any]) -> str:
    """What the letter says: a new digest means the letter must be generated and accepted
    again (the applicant changed the project, the site or a declaration)."""
    fields = [application.project_name, application.site, application.district,
              application.industry_code, str(application.total_investment),
              str(application.env_investment), application.consultant]  # fmt: skip
    return hashlib.sha256(json.dumps([fields, facts], sort_keys=True).encode()).hexdigest()


def record_facts(
    session: Session, clock: Clock, actor: User, application_id: int, data: CommitmentFacts
) -> CommitmentView:
    """Store the declarations and recompute eligibility; the applicant sees every reason
    before submitting. A change voids a letter generated or accepted earlier."""
    application = _own_draft(session, actor, application_id)
    case = _case(session, application_id)
    facts = data.model_dump()
    if facts != case.facts:
        case.facts = facts
        case.letter_key = case.letter_sha256 = case.accepted_sha256 = None
        case.accepted_at = case.accepted_by = None
    result = assess_case(session, application, facts, local_date(clock.now()))
    _record(case, result)
    session.add(case)
    session.flush()
    return CommitmentView(case, result)


def view(session: Session, clock: Clock, actor: User, application_id: int) -> CommitmentView:
    application = get_application_for(session, actor, application_id)
    case = _case(session, application_id)
    return CommitmentView(
        case, assess_case(session, application, case.facts, local_date(clock.now()))
    )


def _own_draft(session: Session, actor: User, application_id: int) -> Application:
    application = get_application_for(session, actor, application_id)
    if actor.role is not Role.APPLICANT:
        raise PermissionDenied("只有申请人可以填写承诺信息", "only the applicant declares")
    if application.process_kind is not ProcessKind.COMMITMENT or application.status not in (
        Status.DRAFT,
        Status.CORRECTION,
    ):
        raise InvalidTransition(
            "只有告知承诺制草稿或待补正的申请可以修改承诺信息",
            "only a fast-track draft or correction can change its facts",
        )
    return application


def letter_context(session: Session, application: Application, today: date) -> dict[str, Any]:
    case = _case(session, id_of(application))
    result = assess_case(session, application, case.facts, today)
    park = result.matched_park.name if result.matched_park else (case.facts.get("park_name") or "")
    scope_type = (
        f"名录第{result.matched_type.minglu_item}项 {result.matched_type.name_zh}"
        if result.matched_type
        else ""
    )
    return {
        "commitments": [c.format(park=park or "所在园区") for c in COMMITMENTS],
        "scope_type": scope_type, "park": park,
        "legal_basis": ["《中华人民共和国环境影响评价法》",
                        "《国务院办公厅关于全面推行证明事项和涉企经营许可事项告知承诺制的指导意见》"],
    }  # fmt: skip


def record_letter(
    session: Session, clock: Clock, actor: User, application_id: int, *, key: str, sha256: str
) -> CommitmentCase:
    _own_draft(session, actor, application_id)
    case = _case(session, application_id)
    if not case.eligible:
        raise InvalidInput(
            "不符合告知承诺制条件，不能生成告知承诺书",
            "not eligible: no commitment letter",
            findings=case.findings,
        )
    case.letter_key, case.letter_sha256 = key, sha256
    case.letter_generated_at = to_utc(clock.now())
    session.add(case)
    session.flush()
    return case


def accept_letter(
    session: Session, clock: Clock, actor: User, application_id: int, sha256: str
) -> CommitmentCase:
    """The applicant accepts the letter it read (time, user and the letter's SHA-256)."""
    application = _own_draft(session, actor, application_id)
    case = _case(session, application_id)
    if case.letter_sha256 is None:
        raise InvalidTransition("请先生成告知承诺书", "generate the commitment letter first")
    if case.accepted_sha256 is not None:
        raise ConcurrentUpdate(
            "告知承诺书已确认，无需重复确认", "the commitment letter was already accepted"
        )
    if sha256 != case.letter_sha256:
        raise InvalidInput(
            "确认的告知承诺书不是最新版本，请重新阅读后确认",
            "the SHA-256 is not that of the current letter",
        )
    now = clock.now()
    case.accepted_sha256, case.accepted_at, case.accepted_by = sha256, to_utc(now), actor.id
    session.add(case)
    audit.append_event(
        session,
        at=to_utc(now),
        application_id=application.id,
        actor_id=actor.id,
        actor_name=actor.display_name,
        actor_role=ROLE_LABELS[actor.role],
        action="accept_commitment",
        comment=f"告知承诺书 SHA-256 {sha256}",
    )
    return case
