"""The 拟批准公示: after the leader agrees in principle to approve, and before signing.

An item with ``pre_approval_notice`` rule ``before_decision`` publishes it when the leader,
with the approving draft before them, agrees in principle (``publish_pre_approval``). It runs
``days`` working days from the day after, in Zhengzhou's columns (建设单位 / 项目名称 / 建设地点 /
环评机构 / 项目概况 / 主要环境影响及对策措施 / 公众参与情况), and tells the applicant and
interested parties of their right to request a hearing within five days (行政许可法第四十七条).
Signing the approval is refused until it has ended (``check_pre_approval_over``). Rule
``after_decision`` (告知承诺制) decides first: such an item publishes no notice before signing,
its decision is published on issue (``approvals.participation.decision_notices``).
A denial publishes none: nothing is about to be approved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, select

from approvals import audit
from approvals.catalogue.schema import Item, PreApprovalNoticeSpec, PublicationRule
from approvals.errors import InvalidTransition, PermissionDenied
from approvals.participation.comments import check_texts, comments_of, unanswered
from approvals.participation.hearings.requests import notify_right
from approvals.participation.notice_dates import PRE_APPROVAL_VIA
from approvals.participation.notices import cn_day, find_notice
from approvals.timekeeping.calendar import WorkingCalendar
from models import (
    Application,
    Decision,
    Enterprise,
    NoticeKind,
    Outcome,
    PublicNotice,
    Role,
    Status,
    User,
)

PUBLISHERS = frozenset({Role.LEADER, Role.ADMIN})
MAX_TEXT = 2000
HEARING_DAYS = 5  # 行政许可法第四十七条：被告知听证权利之日起五日内提出
HEARING_RIGHT = (
    "根据《中华人民共和国行政许可法》第四十七条，申请人、利害关系人有权要求听证。"
    "如要求听证，请自本公示发布之日起五日内向郑州市生态环境局提出书面听证申请；"
    "逾期未提出的，视为放弃听证权利。"
)


@dataclass(frozen=True)
class PreApprovalIn:
    overview: str  # 项目概况
    measures: str  # 主要环境影响及对策措施


def spec_before_signing(item: Item) -> PreApprovalNoticeSpec | None:
    spec = item.pre_approval_notice
    if spec is None or spec.rule is not PublicationRule.BEFORE_DECISION:
        return None
    return spec


def _decision(session: Session, application_id: int) -> Decision | None:
    return session.exec(select(Decision).where(Decision.application_id == application_id)).first()


def _check_text(text: PreApprovalIn) -> None:
    check_texts(
        (
            ("overview", "项目概况", text.overview, MAX_TEXT),
            ("measures", "主要环境影响及对策措施", text.measures, MAX_TEXT),
        ),
        "the notice's text does not validate",
    )


def participation_summary(session: Session, application_id: int) -> str:
    """公众参与情况, from the 受理公示 and the comments on it, as the notice states it."""
    acceptance = find_notice(session, application_id, NoticeKind.ACCEPTANCE)
    if acceptance is None:
        return "本项目未进行受理公示。"
    comments = [c for c in comments_of(session, application_id) if not c.hidden]
    period = f"{cn_day(acceptance.starts_on)}起{acceptance.days}个工作日"
    if not comments:
        return f"受理公示（{period}）期间未收到公众意见。"
    late = sum(1 for c in comments if c.late)
    late_note = f"（其中公示期满后收到{late}条）" if late else ""
    answered = len(comments) - len(unanswered(comments))
    return (
        f"受理公示（{period}）期间共收到公众意见{len(comments)}条{late_note}，"
        f"已逐条研究答复{answered}条。"
    )


def publish_pre_approval(
    session: Session,
    calendar: WorkingCalendar,
    actor: User,
    application: Application,
    item: Item,
    text: PreApprovalIn,
    at: datetime,
    today: date,
) -> PublicNotice:
    """The leader agrees in principle: publish the 拟批准公示 at once (flushes, audited)."""
    if actor.role not in PUBLISHERS:
        raise PermissionDenied("只有分管领导可以同意拟批准并发布拟批准公示", "leaders only")
    spec = spec_before_signing(item)
    if spec is None:
        raise InvalidTransition(
            "该事项不在签发前发布拟批准公示", "this item publishes no pre-approval notice"
        )
    assert application.id is not None
    if application.status is not Status.SIGNING:
        raise InvalidTransition(
            "办件尚未进入领导签发环节，不能发布拟批准公示",
            "the case is not waiting for the leader",
            status=application.status.value,
        )
    decision = _decision(session, application.id)
    if decision is None or decision.outcome is not Outcome.APPROVE:
        raise InvalidTransition(
            "拟不予许可的办件不发布拟批准公示", "only an approving draft is published"
        )
    if find_notice(session, application.id, NoticeKind.PRE_APPROVAL) is not None:
        raise InvalidTransition("该办件已发布拟批准公示", "the notice is already published")
    _check_text(text)
    acceptance = find_notice(session, application.id, NoticeKind.ACCEPTANCE)
    enterprise = session.get(Enterprise, application.enterprise_id)
    notice = PublicNotice(
        application_id=application.id,
        kind=NoticeKind.PRE_APPROVAL,
        item_code=item.code,
        item_name=item.name_zh,
        project_name=application.project_name,
        builder=enterprise.name if enterprise else "",
        site=application.site,
        district=application.district,
        consultant=application.consultant,
        public_material_id=acceptance.public_material_id if acceptance else None,
        overview=text.overview.strip(),
        measures=text.measures.strip(),
        participation_summary=participation_summary(session, application.id),
        hearing_right=HEARING_RIGHT,
        event_on=today,
        starts_on=today,
        ends_on=calendar.due(today, spec.days, spec.unit).day,
        days=spec.days,
        published_at=at,
    )
    session.add(notice)
    if item.hearing is not None:  # the notice tells of the right: requests run from today
        notify_right(session, at, application, PRE_APPROVAL_VIA, actor, today)
    audit.record_case(
        session,
        at,
        application.id,
        actor,
        "pre_approval_notice",
        f"同意拟批准，发布拟批准公示（至{cn_day(notice.ends_on)}止）",
    )
    session.flush()
    return notice


def check_pre_approval_over(
    session: Session, item: Item, application: Application, outcome: Outcome, today: date
) -> None:
    """Refuse signing an approval (``outcome``, as drafted; 409) until its 拟批准公示 has been
    published and has ended, and while a comment on the case waits for its response."""
    if spec_before_signing(item) is None or outcome is not Outcome.APPROVE:
        return
    assert application.id is not None
    notice = find_notice(session, application.id, NoticeKind.PRE_APPROVAL)
    if notice is None:
        raise InvalidTransition(
            "暂不能签发：须先同意拟批准并发布拟批准公示，公示期满后方可签发",
            "signing waits for the pre-approval notice",
        )
    if today <= notice.ends_on:
        raise InvalidTransition(
            f"暂不能签发：拟批准公示期至{cn_day(notice.ends_on)}止，公示期满后方可签发",
            "signing waits for the pre-approval notice to end",
            notice_ends_on=notice.ends_on.isoformat(),
        )
    waiting = len(unanswered(comments_of(session, application.id)))
    if waiting:
        raise InvalidTransition(
            f"暂不能签发：尚有{waiting}条公众意见未答复，请逐条答复后再签发",
            f"signing waits for {waiting} public comment(s) to be answered",
            unanswered=waiting,
        )
