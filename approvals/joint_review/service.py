"""Remote joint review (远程会审): a drawn panel reviews online while the clock is paused.

draw (seed and candidates recorded) → invitations → meeting (video link) and an optional
video site inspection → each member's conclusion and opinion → quorum: all members, by
majority, the chair breaking ties → the chair closes → 专家组评审意见; "pass after revision"
sends the report back to the applicant and the chair confirms the revision.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlmodel import Session, col, select

from approvals import audit
from approvals.casework import pauses
from approvals.casework.queries import get_application_for
from approvals.casework.transitions import move
from approvals.catalogue import Catalogue, DayUnit
from approvals.catalogue.item_versions import item_of
from approvals.catalogue.process.standard import Action
from approvals.clock import Clock, as_local, local_date, to_utc
from approvals.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from approvals.joint_review import expert_draw, expert_pool
from approvals.timekeeping.date_bounds import PLANNING_HORIZON, check_moment
from approvals.timekeeping.schedule import shared_calendar
from models import (
    Application,
    Enterprise,
    Expert,
    OutboxMail,
    Panel,
    PanelMember,
    Role,
    SiteInspection,
    Status,
    User,
)
from models.ids import id_of
from models.text_input import clean_line, clean_text

REVIEW_PAUSE_DAYS = 20  # working days told to the applicant (§45) for the review
REVISION_PAUSE_DAYS = 20
CONCLUSIONS = {"pass": "通过", "revise": "修改后通过", "fail": "不通过"}


def open_panel(session: Session, application_id: int) -> Panel:
    panel = session.exec(
        select(Panel).where(Panel.application_id == application_id, Panel.status == "open")
    ).first()
    if panel is None:
        raise NotFound("该办件没有进行中的专家会审", "no open panel for this case")
    return panel


def active_members(session: Session, panel_id: int) -> list[PanelMember]:
    query = select(PanelMember).where(
        PanelMember.panel_id == panel_id, PanelMember.state == "invited"
    )
    return list(session.exec(query.order_by(col(PanelMember.draw_order))))


def start(
    session: Session,
    clock: Clock,
    catalogue: Catalogue,
    actor: User,
    application_id: int,
    *,
    needed: list[str],
    size: int | None,
    seed: int | None,
    meeting_at: datetime,
    video_link: str,
) -> Panel:
    """Draw the panel, pause the clock with the §45 notice, invite the experts."""
    application = get_application_for(session, actor, application_id)
    today = local_date(clock.now())
    meeting_at = check_moment(
        meeting_at,
        field="meeting_at",
        label="会议时间",
        earliest=application.accepted_on or today,
        earliest_is="受理日期",
        latest=today + PLANNING_HORIZON,
        latest_is="一年之内",
    )
    item = item_of(session, application)
    if not item.needs_expert_review and application.track != "green":
        raise InvalidInput(
            f"事项“{item.name_zh}”不需要专家评审",
            f"item {item.code} does not take an expert review",
        )
    if "专家评审" not in item.clock_stops:
        raise InvalidInput("本事项专家评审不计入时限的规定缺失", "no 专家评审 clock stop")
    enterprise = session.get(Enterprise, application.enterprise_id)
    assert enterprise is not None
    request = expert_draw.DrawRequest(
        size=size or expert_draw.default_size(item.code, item.name_zh),
        needed=tuple(needed),
        seed=seed if seed is not None else expert_draw.fresh_seed(),
        applicant_employers=frozenset({enterprise.name, application.consultant}),
        previous_panel_experts=expert_pool.previous_panel_experts(session, application_id),
    )
    result = expert_draw.draw(expert_pool.candidates(session), request)  # may raise, no writes
    pauses.pause_clock(
        session,
        clock,
        catalogue,
        actor,
        application_id,
        reason="专家评审",
        max_days=REVIEW_PAUSE_DAYS,
        comment="组织专家远程会审",
    )
    now = to_utc(clock.now())
    panel = Panel(
        application_id=application_id,
        seed=result.seed,
        size=request.size,
        needed_specialties=list(needed),
        candidates=list(result.candidates),
        excluded=[e.as_record() for e in result.excluded],
        drawn_at=now,
        drawn_by=id_of(actor),
        meeting_at=to_utc(meeting_at),
        video_link=video_link,
    )
    session.add(panel)
    session.flush()
    for order, expert_id in enumerate(result.members):
        session.add(
            PanelMember(
                panel_id=id_of(panel),
                expert_id=expert_id,
                chair=expert_id == result.chair,
                draw_order=order,
            )
        )
        session.add(_invitation(session, application, panel, expert_id, now))
    move(
        session,
        now,
        application,
        Action.START_JOINT_REVIEW,
        actor,
        f"抽取专家{request.size}名（随机种子 {result.seed}，候选 {len(result.candidates)} 人）",
    )
    return panel


def _invitation(
    session: Session, application: Application, panel: Panel, expert_id: int, at: datetime
) -> OutboxMail:
    expert = session.get(Expert, expert_id)
    assert expert is not None
    return OutboxMail(
        message_id=f"<panel-{panel.id}-invite-{expert_id}@eia.local>",
        application_id=application.id,
        to_addr=expert.email,
        subject=f"【专家会审邀请】{application.project_name}",
        body=(
            f"{expert.name}专家：\n\n您已被随机抽取为“{application.project_name}”（办件编号 "
            f"{application.number}）远程会审专家组成员。会议时间：{panel.meeting_at:%Y-%m-%d %H:%M}"
            f"（UTC），视频会议：{panel.video_link}。\n请登录专家工作台查看材料并提交评审意见；"
            "如需回避或无法参加，请在工作台选择“无法参加”。\n"
        ),
        created_at=at,
    )


def _membership(session: Session, actor: User, application_id: int) -> tuple[Panel, PanelMember]:
    if actor.role is not Role.EXPERT:
        raise PermissionDenied("只有专家组成员可以操作", "only panel members may do this")
    panel = open_panel(session, application_id)
    expert = session.exec(select(Expert).where(Expert.user_id == actor.id)).first()
    member = (
        None
        if expert is None
        else session.exec(
            select(PanelMember).where(
                PanelMember.panel_id == panel.id,
                PanelMember.expert_id == expert.id,
                PanelMember.state == "invited",
            )
        ).first()
    )
    if member is None:
        raise PermissionDenied("你不是该专家组成员", "you are not a member of this panel")
    return panel, member


def decline(session: Session, clock: Clock, actor: User, application_id: int) -> PanelMember:
    """An invited expert declines; a replacement is drawn from the same seed and recorded."""
    panel, member = _membership(session, actor, application_id)
    if member.submitted_at is not None:
        raise InvalidTransition("已提交意见，不能再选择无法参加", "already submitted")
    application = session.get(Application, application_id)
    assert application is not None
    enterprise = session.get(Enterprise, application.enterprise_id)
    assert enterprise is not None
    members = session.exec(select(PanelMember).where(PanelMember.panel_id == panel.id)).all()
    request = expert_draw.DrawRequest(
        size=panel.size,
        needed=tuple(panel.needed_specialties),
        seed=panel.seed,
        applicant_employers=frozenset({enterprise.name, application.consultant}),
        previous_panel_experts=expert_pool.previous_panel_experts(session, application_id),
        exclude_ids=frozenset(m.expert_id for m in members if m.state != "invited"),
    )
    active = sorted((m for m in members if m.state == "invited"), key=lambda m: m.draw_order)
    chair = next((m.expert_id for m in active if m.chair), active[0].expert_id)
    current = expert_draw.DrawResult(
        members=tuple(m.expert_id for m in active),
        chair=chair,
        candidates=tuple(panel.candidates),
        excluded=(),
        seed=panel.seed,
    )
    replaced = expert_draw.replace(
        expert_pool.candidates(session), request, current, member.expert_id
    )
    member.state = "declined"
    session.add(member)
    replacement = PanelMember(
        panel_id=id_of(panel),
        expert_id=replaced.expert_id,
        chair=replaced.panel.chair == replaced.expert_id,
        replaces_id=member.id,
        draw_order=len(members),
    )
    session.add(replacement)
    now = to_utc(clock.now())
    session.add(_invitation(session, application, panel, replaced.expert_id, now))
    audit.append_event(
        session,
        at=now,
        application_id=application_id,
        actor_id=actor.id,
        actor_name=actor.display_name,
        actor_role="评审专家",
        action="expert_declined",
        comment=(
            f"专家{member.expert_id}无法参加，补抽专家{replaced.expert_id}"
            f"（补抽种子 {replaced.seed}，候选 {list(replaced.candidates)}）"
        ),
    )
    return replacement


def submit_opinion(
    session: Session,
    clock: Clock,
    actor: User,
    application_id: int,
    *,
    conclusion: str,
    opinion: str,
) -> PanelMember:
    """A member's conclusion (pass / revise / fail) and written opinion; once per member."""
    if conclusion not in CONCLUSIONS:
        raise InvalidInput("评审结论应为通过、修改后通过或不通过", "conclusion: pass|revise|fail")
    panel, member = _membership(session, actor, application_id)
    if panel.closed_at is not None:
        raise InvalidTransition("会审已结束，不能再提交意见", "the meeting is closed")
    member.conclusion, member.opinion = conclusion, opinion.strip()
    member.submitted_at = to_utc(clock.now())
    session.add(member)
    session.flush()
    return member


def group_conclusion(members: list[PanelMember]) -> str:
    """All members must have submitted; majority decides; the chair's vote breaks a tie."""
    missing = [m for m in members if m.conclusion is None]
    if missing:
        raise InvalidTransition(
            f"尚有{len(missing)}名专家未提交意见，不满足会审人数要求",
            f"{len(missing)} member(s) have not submitted: no quorum",
        )
    votes = Counter(m.conclusion for m in members)
    top = max(votes.values())
    leaders = sorted(c for c, n in votes.items() if n == top)  # type: ignore[type-var]  # only submitted members: no None
    if len(leaders) == 1:
        return str(leaders[0])
    chair = next(m for m in members if m.chair)
    return str(chair.conclusion)


def close(session: Session, clock: Clock, actor: User, application_id: int) -> Panel:
    """The chair closes the review: conclusion by quorum, 专家组评审意见 issued."""
    panel, member = _membership(session, actor, application_id)
    if not member.chair:
        raise PermissionDenied("只有专家组组长可以形成专家组意见", "only the chair closes")
    members = active_members(session, id_of(panel))
    conclusion = group_conclusion(members)
    application = session.get(Application, application_id)
    assert application is not None
    now = to_utc(clock.now())
    panel.conclusion, panel.closed_at, panel.status = conclusion, now, "closed"
    session.add(panel)
    revise = conclusion == "revise"
    move(
        session,
        now,
        application,
        Action.CLOSE_REVIEW_REVISE if revise else Action.CLOSE_REVIEW_PASS,
        actor,
        f"专家组结论：{CONCLUSIONS[conclusion]}",
        payload={"panel_id": panel.id},
    )
    pauses.end_open_pause(session, clock, application, actor.id)
    if revise:
        pauses.open_pause(
            session,
            clock,
            application,
            reason="报告修改",
            max_days=REVISION_PAUSE_DAYS,
            actor_id=actor.id,
            comment="按专家组意见修改报告",
        )
    return panel


def submit_revision(session: Session, clock: Clock, actor: User, application_id: int) -> None:
    application = get_application_for(session, actor, application_id)
    move(session, to_utc(clock.now()), application, Action.SUBMIT_REVISION, actor, "已上传修改稿")


def review_revision(
    session: Session,
    clock: Clock,
    actor: User,
    application_id: int,
    *,
    confirmed: bool,
    comment: str = "",
) -> None:
    """The chair confirms the revision (the clock runs again) or sends it back."""
    application = session.get(Application, application_id)
    if application is None or application.status is not Status.REVISION_REVIEW:
        raise InvalidTransition("当前不在修改稿复核环节", "no revision to review")
    panel = session.exec(
        select(Panel).where(Panel.application_id == application_id).order_by(col(Panel.id).desc())
    ).first()
    expert = session.exec(select(Expert).where(Expert.user_id == actor.id)).first()
    chair = (
        None
        if panel is None or expert is None
        else session.exec(
            select(PanelMember).where(
                PanelMember.panel_id == panel.id,
                PanelMember.chair,
                PanelMember.expert_id == expert.id,
                PanelMember.state == "invited",
            )
        ).first()
    )
    if chair is None or panel is None:
        raise PermissionDenied("只有专家组组长可以复核修改稿", "only the chair confirms")
    now = to_utc(clock.now())
    if confirmed:
        move(session, now, application, Action.CONFIRM_REVISION, actor, comment or "修改到位")
        pauses.end_open_pause(session, clock, application, actor.id)
        panel.revision_confirmed_at = now
        session.add(panel)
    else:
        move(session, now, application, Action.REJECT_REVISION, actor, comment)


def record_site_inspection(
    session: Session,
    clock: Clock,
    actor: User,
    application_id: int,
    *,
    at: datetime,
    participants: list[str],
    notes: str,
    media: list[dict[str, object]],
) -> SiteInspection:
    """视频踏勘: the case officer records when, who, and the stored photos and video."""
    if actor.role is not Role.CASE_OFFICER:
        raise PermissionDenied("只有承办人可以登记视频踏勘", "only the case officer records it")
    get_application_for(session, actor, application_id)
    panel = open_panel(session, application_id)
    at = check_moment(
        at,
        field="at",
        label="踏勘时间",
        earliest=local_date(panel.drawn_at),
        earliest_is="专家抽取日期",
        latest=local_date(clock.now()),
        latest_is="今天",
    )
    row = SiteInspection(
        panel_id=id_of(panel),
        at=to_utc(at),
        participants=[n for n in (clean_line(p).strip() for p in participants) if n],
        notes=clean_text(notes).strip(),
        media=media,
        recorded_by=id_of(actor),
    )
    session.add(row)
    session.flush()
    return row


def opinion_context(session: Session, panel_id: int) -> dict[str, object]:
    """The 专家组评审意见's own keys (the document's common keys come from issuing)."""
    panel = session.get(Panel, panel_id)
    assert panel is not None and panel.meeting_at is not None
    rows = session.exec(
        select(PanelMember, Expert)
        .join(Expert, col(Expert.id) == col(PanelMember.expert_id))
        .where(PanelMember.panel_id == panel_id, PanelMember.state == "invited")
        .order_by(col(PanelMember.draw_order))
    ).all()
    inspection = session.exec(
        select(SiteInspection)
        .where(SiteInspection.panel_id == panel_id)
        .order_by(col(SiteInspection.id).desc())
    ).first()
    revisions: list[str] = []
    for member, _ in rows:
        if member.conclusion == "revise":
            for line in (x.strip(" ；;。") for x in member.opinion.splitlines()):
                if line and line not in revisions:
                    revisions.append(line)
    labels = expert_draw.SPECIALTY_LABELS
    return {
        "meeting": {
            "at": as_local(panel.meeting_at),
            "mode": "视频会议",
            "link_note": "视频会议（会议链接已隐去）",
        },
        "site_inspection": None
        if inspection is None
        else {
            "at": as_local(inspection.at),
            "participants": inspection.participants,
            "notes": inspection.notes,
        },
        "members": [
            {
                "name": e.name,
                "title": e.title,
                "employer": e.employer,
                "specialties": "、".join(labels.get(s, s) for s in e.specialties),
                "chair": m.chair,
                "conclusion": CONCLUSIONS.get(m.conclusion or "", "—"),
                "opinion": m.opinion,
            }
            for m, e in rows
        ],
        "conclusion": CONCLUSIONS.get(panel.conclusion or "", "—"),
        "quorum_note": f"应到{len(rows)}人，实到{len(rows)}人；"
        "按多数意见形成结论，意见分歧时以组长意见为准",
        # Served on the applicant: the seed and candidates stay in the bureau's draw record.
        "draw_note": "专家由系统从专家库随机抽取，抽取记录已存档备查",
        "revision_items": revisions if panel.conclusion == "revise" else [],
    }


def remind_experts(session: Session, clock: Clock, escalate_after_days: int = 3) -> tuple[int, int]:
    """After the meeting, remind each member who has not submitted (once), and tell the case
    officers when opinions are still missing ``escalate_after_days`` working days later.
    Idempotent: stable message ids and the member's reminded_at."""
    now = clock.now()
    today = local_date(now)
    calendar = shared_calendar()
    reminded = escalated = 0
    for panel in session.exec(select(Panel).where(Panel.status == "open")):
        if panel.meeting_at is None or panel.meeting_at > to_utc(now):  # not met yet
            continue
        waiting = [m for m in active_members(session, id_of(panel)) if m.submitted_at is None]
        application = session.get(Application, panel.application_id)
        assert application is not None
        for member in waiting:
            if member.reminded_at is None:
                expert = session.get(Expert, member.expert_id)
                assert expert is not None
                member.reminded_at = to_utc(now)
                session.add(member)
                session.add(
                    OutboxMail(
                        message_id=f"<panel-{panel.id}-remind-{member.expert_id}@eia.local>",
                        application_id=application.id,
                        to_addr=expert.email,
                        subject=f"【催办】请提交“{application.project_name}”评审意见",
                        body=f"{expert.name}专家：\n\n会审已召开，尚未收到您的评审意见，请尽快在专家工作台提交。\n",
                        created_at=to_utc(now),
                    )
                )
                reminded += 1
        overdue = (
            calendar.due(local_date(panel.meeting_at), escalate_after_days, DayUnit.WORKING).day
            < today
        )
        if waiting and overdue:
            for officer in session.exec(select(User).where(User.role == Role.CASE_OFFICER)):
                message_id = f"<panel-{panel.id}-escalate-{officer.id}@eia.local>"
                if (
                    session.exec(
                        select(OutboxMail.id).where(OutboxMail.message_id == message_id)
                    ).first()
                    is None
                ):
                    session.add(
                        OutboxMail(
                            message_id=message_id,
                            application_id=application.id,
                            to_addr=officer.email,
                            subject=f"【会审逾期】办件{application.number}尚有{len(waiting)}名专家未提交意见",
                            body=f"{officer.display_name}：\n\n“{application.project_name}”的远程会审已超过"
                            f"{escalate_after_days}个工作日，仍有{len(waiting)}名专家未提交意见，请协调。\n",
                            created_at=to_utc(now),
                        )
                    )
                    escalated += 1
    session.flush()
    return reminded, escalated
