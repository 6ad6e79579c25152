"""Rating a case's events and following up a bad rating. Services flush; callers commit."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from approvals import audit
from approvals.casework.queries import get_application_for
from approvals.catalogue.process.standard import WITH_RESULT
from approvals.clock import Clock, local_date, to_utc
from approvals.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from approvals.notifications import render_text
from approvals.ratings.rules import load_rules
from approvals.timekeeping.schedule import shared_calendar
from models import (
    Application,
    AuditEvent,
    Consultation,
    Enterprise,
    LedgerProblem,
    OutboxMail,
    ProblemState,
    Role,
    User,
)
from models.consultation import ConsultationState
from models.ids import id_of
from models.ratings import (
    AppealCreate,
    AppealDecision,
    FollowUpAnswer,
    FollowUpReply,
    FollowUpState,
    RatedEvent,
    Rating,
    RatingCreate,
    RatingFollowUp,
)

RESPONDERS = frozenset({Role.INTAKE_OFFICER, Role.CASE_OFFICER, Role.SECTION_CHIEF, Role.ADMIN})
APPEAL_DECIDERS = frozenset({Role.AUDITOR, Role.ADMIN})
# The audit actions whose actor served the enterprise at each event.
SERVED_BY: dict[RatedEvent, tuple[str, ...]] = {
    RatedEvent.ACCEPTANCE: ("accept", "accept_service", "refuse"),
    RatedEvent.DECISION: ("draft", "answer", "refuse", "file"),
}


def ratable_events(application: Application) -> list[RatedEvent]:
    """The events of the case the enterprise may rate now."""
    events = []
    if application.accepted_on is not None:
        events.append(RatedEvent.ACCEPTANCE)
    if application.status in WITH_RESULT:
        events.append(RatedEvent.DECISION)
    return events


def ratings_of(session: Session, application_id: int) -> dict[RatedEvent, Rating]:
    rows = session.exec(select(Rating).where(Rating.application_id == application_id))
    return {r.event: r for r in rows}


def find_follow_up(session: Session, rating_id: int) -> RatingFollowUp | None:
    query = select(RatingFollowUp).where(RatingFollowUp.rating_id == rating_id)
    return session.exec(query).first()


def bad_ratings(session: Session, state: FollowUpState | None = None) -> list[Rating]:
    """Ratings with a follow-up (in ``state``), earliest due first."""
    query = select(Rating).join(RatingFollowUp, col(RatingFollowUp.rating_id) == col(Rating.id))
    if state is not None:
        query = query.where(RatingFollowUp.state == state)
    return list(session.exec(query.order_by(col(RatingFollowUp.due_on), col(Rating.id))))


def _officer(session: Session, application_id: int, event: RatedEvent) -> int | None:
    query = (
        select(AuditEvent.actor_id)
        .where(
            AuditEvent.application_id == application_id,
            col(AuditEvent.action).in_(SERVED_BY[event]),
        )
        .order_by(col(AuditEvent.id).desc())
    )
    return session.exec(query).first()


def _checked(data: RatingCreate) -> tuple[bool, list[str]]:
    """(is it a 差评, its reasons): a bad rating names reasons from the list, a good one none."""
    rules = load_rules()
    bad = rules.is_bad(data.level)
    reasons = list(dict.fromkeys(data.reasons))
    unknown = [r for r in reasons if r not in rules.reasons.values]
    if unknown or (bad and not reasons):
        raise InvalidInput(
            "差评请选择原因：" + "、".join(rules.reasons.values),
            "a bad rating needs reasons from the list",
            field="reasons",
            allowed=list(rules.reasons.values),
        )
    if reasons and not bad:
        raise InvalidInput("只有差评需要选择原因", "reasons only for a bad rating", field="reasons")
    return bad, reasons


def rate(
    session: Session, clock: Clock, actor: User, application_id: int, event: RatedEvent,
    data: RatingCreate,
) -> Rating:  # fmt: skip
    """The enterprise rates ``event`` once; a bad rating must name its reasons and opens a
    follow-up due in the rules' working days, and the section chiefs are mailed."""
    application = get_application_for(session, actor, application_id)
    if actor.role is not Role.APPLICANT or actor.enterprise_id != application.enterprise_id:
        raise PermissionDenied("由申请企业进行评价", "only the applying enterprise rates")
    if event not in ratable_events(application):
        raise InvalidTransition("该环节尚未办理，暂不能评价", f"event {event.value} not reached")
    if event in ratings_of(session, application_id):
        raise InvalidTransition("该环节已评价，不能重复评价", "already rated")
    bad, reasons = _checked(data)
    rating = Rating(
        application_id=application_id,
        event=event,
        enterprise_id=application.enterprise_id,
        item_code=application.item_code,
        officer_id=_officer(session, application_id, event),
        level=data.level,
        reasons=reasons,
        comment=data.comment.strip(),
        rated_by=id_of(actor),
        rated_at=to_utc(clock.now()),
    )
    subject = f"办件 {application.number}“{application.project_name}”"
    return _recorded(session, clock.now(), actor, rating, bad, subject)


def guidance_rating(session: Session, consultation_id: int) -> Rating | None:
    query = select(Rating).where(Rating.consultation_id == consultation_id)
    return session.exec(query).first()


def rate_guidance(
    session: Session, clock: Clock, actor: User, consultation_id: int, data: RatingCreate
) -> Rating:
    """靠前服务: the enterprise rates the written guidance of its consultation once, as it
    rates a case's events (a 差评 opens the same follow-up)."""
    consultation = session.get(Consultation, consultation_id)
    if consultation is None:
        raise NotFound(f"前期指导{consultation_id}不存在", "no such consultation")
    if actor.role is not Role.APPLICANT or actor.enterprise_id != consultation.enterprise_id:
        raise PermissionDenied("由咨询企业进行评价", "only the consulting enterprise rates")
    if consultation.state is not ConsultationState.GUIDED:
        raise InvalidTransition("指导意见出具后方可评价", "the guidance is not issued yet")
    if guidance_rating(session, consultation_id) is not None:
        raise InvalidTransition("该指导意见已评价，不能重复评价", "already rated")
    bad, reasons = _checked(data)
    rating = Rating(
        application_id=None,
        consultation_id=consultation_id,
        event=RatedEvent.GUIDANCE,
        enterprise_id=consultation.enterprise_id,
        item_code=consultation.item_code or "",
        officer_id=consultation.guided_by,
        level=data.level,
        reasons=reasons,
        comment=data.comment.strip(),
        rated_by=id_of(actor),
        rated_at=to_utc(clock.now()),
    )
    subject = f"前期指导 {consultation.number}“{consultation.project_name}”"
    return _recorded(session, clock.now(), actor, rating, bad, subject)


def problem_rating(session: Session, problem_id: int) -> Rating | None:
    return session.exec(select(Rating).where(Rating.problem_id == problem_id)).first()


def rate_problem(
    session: Session, clock: Clock, actor: User, problem_id: int, data: RatingCreate
) -> Rating:
    """万人助万企: the enterprise rates how a problem of its ledger was handled, once, after it
    confirmed it solved (销号); a 差评 opens the same follow-up."""
    problem = session.get(LedgerProblem, problem_id)
    if problem is None or actor.enterprise_id != problem.enterprise_id:
        raise NotFound(f"问题{problem_id}不存在", "no such problem of this enterprise")
    if actor.role is not Role.APPLICANT:
        raise PermissionDenied("由反映问题的企业进行评价", "only the enterprise rates")
    if problem.state is not ProblemState.CLOSED:
        raise InvalidTransition("问题销号后方可评价", "the problem is not closed yet")
    if problem_rating(session, problem_id) is not None:
        raise InvalidTransition("该问题已评价，不能重复评价", "already rated")
    bad, reasons = _checked(data)
    rating = Rating(
        problem_id=problem_id, event=RatedEvent.PROBLEM, enterprise_id=problem.enterprise_id,
        item_code="", officer_id=None, level=data.level, reasons=reasons,
        comment=data.comment.strip(), rated_by=id_of(actor), rated_at=to_utc(clock.now()),
    )  # fmt: skip
    return _recorded(session, clock.now(), actor, rating, bad, f"问题台账“{problem.title}”")


def _recorded(
    session: Session, now: datetime, actor: User, rating: Rating, bad: bool, subject: str
) -> Rating:
    """Add ``rating``, audit it and, for a 差评, open its follow-up and mail the chiefs."""
    rules = load_rules()
    session.add(rating)
    session.flush()
    label = rules.levels.values[rating.level]
    comment = f"评价：{label}" if rating.application_id is not None else f"{subject}评价：{label}"
    _audit(session, now, rating.application_id, actor, "rating", comment)
    if bad:
        due = shared_calendar().due(local_date(now), rules.rectify.days, rules.rectify.unit).day
        follow_up = RatingFollowUp(rating_id=id_of(rating), state=FollowUpState.OPEN, due_on=due)
        session.add(follow_up)
        _mail_staff(
            session,
            now,
            rating,
            subject,
            "new",
            f"收到差评（{label}），请于{due.isoformat()}前回访核实、整改并反馈",
        )
    session.flush()
    return rating


def _rating_and_follow_up(session: Session, rating_id: int) -> tuple[Rating, RatingFollowUp]:
    rating = session.get(Rating, rating_id)
    follow_up = find_follow_up(session, rating_id) if rating else None
    if rating is None or follow_up is None:
        raise NotFound(f"差评{rating_id}不存在", f"bad rating {rating_id} not found")
    return rating, follow_up


def answer(
    session: Session, clock: Clock, actor: User, rating_id: int, data: FollowUpAnswer
) -> RatingFollowUp:
    """回访核实 → 整改 → 反馈 in one record; the enterprise is mailed the feedback."""
    if actor.role not in RESPONDERS:
        raise PermissionDenied("当前角色无权办理差评整改", "this role cannot answer a rating")
    rating, follow_up = _rating_and_follow_up(session, rating_id)
    if follow_up.state is not FollowUpState.OPEN:
        raise InvalidTransition("该差评已反馈或在申诉复核中", "the follow-up is not open")
    now = clock.now()
    follow_up.verification = data.verification.strip()
    follow_up.rectification = data.rectification.strip()
    follow_up.feedback = data.feedback.strip()
    follow_up.answered_by, follow_up.answered_on = actor.id, local_date(now)
    follow_up.state = FollowUpState.ANSWERED
    session.add(follow_up)
    reference, project, to_addr = _subject_of(session, rating)
    _audit(session, now, rating.application_id, actor, "rating_answered", "差评整改反馈")
    session.add(
        OutboxMail(
            message_id=f"<rating-feedback-{rating.id}@eia.local>",
            application_id=rating.application_id,
            to_addr=to_addr,
            subject=f"【{reference}】您的评价已整改反馈",
            body=render_text(
                "rating_feedback.txt",
                reference=reference,
                project_name=project,
                feedback=follow_up.feedback,
                rectification=follow_up.rectification,
                sent_at=f"{now:%Y-%m-%d %H:%M}",
            ),
            created_at=to_utc(now),
        )
    )
    session.flush()
    return follow_up


def _subject_of(session: Session, rating: Rating) -> tuple[str, str, str]:
    """(reference number, project name, the enterprise's contact address) of what was rated."""
    if rating.application_id is not None:
        application = session.get(Application, rating.application_id)
        assert application is not None, "a case's rating has its case"
        return application.number, application.project_name, application.contact_email
    if rating.problem_id is not None:
        problem = session.get(LedgerProblem, rating.problem_id)
        enterprise = session.get(Enterprise, rating.enterprise_id)
        assert problem is not None and enterprise is not None, "a problem rating has its problem"
        return f"问题台账#{problem.id}", problem.title, enterprise.email
    consultation = session.get(Consultation, rating.consultation_id)
    assert consultation is not None, "a guidance rating has its consultation"
    return consultation.number, consultation.project_name, consultation.contact_email


def reply(
    session: Session, clock: Clock, actor: User, rating_id: int, data: FollowUpReply
) -> RatingFollowUp:
    """The enterprise's one reply (追评) to the feedback."""
    rating, follow_up = _rating_and_follow_up(session, rating_id)
    if rating.application_id is not None:
        get_application_for(session, actor, rating.application_id)  # still visible to it?
    if actor.role is not Role.APPLICANT or actor.enterprise_id != rating.enterprise_id:
        raise PermissionDenied("由申请企业追评", "only the rating enterprise replies")
    if follow_up.state is not FollowUpState.ANSWERED or follow_up.reply_satisfied is not None:
        raise InvalidTransition("整改反馈后可追评一次", "reply once, after the feedback")
    follow_up.reply_satisfied, follow_up.reply = data.satisfied, data.reply.strip()
    session.add(follow_up)
    verdict = "满意" if data.satisfied else "不满意"
    _audit(session, clock.now(), rating.application_id, actor, "rating_reply", f"追评：{verdict}")
    session.flush()
    return follow_up


def appeal(
    session: Session, clock: Clock, actor: User, rating_id: int, data: AppealCreate
) -> RatingFollowUp:
    """申诉复核: staff believe the bad rating false; an auditor decides."""
    if actor.role not in RESPONDERS:
        raise PermissionDenied("当前角色无权提出申诉", "this role cannot appeal a rating")
    rating, follow_up = _rating_and_follow_up(session, rating_id)
    if follow_up.state is not FollowUpState.OPEN:
        raise InvalidTransition("只有待整改的差评可以申诉", "only an open follow-up is appealed")
    follow_up.state, follow_up.appeal_reason = FollowUpState.APPEALED, data.reason.strip()
    follow_up.appealed_by = actor.id
    session.add(follow_up)
    _audit(session, clock.now(), rating.application_id, actor, "rating_appeal", "差评申诉复核")
    session.flush()
    return follow_up


def decide_appeal(
    session: Session, clock: Clock, actor: User, rating_id: int, data: AppealDecision
) -> RatingFollowUp:
    """Upheld: the rating leaves the figures; rejected: the follow-up is open again (its due
    date unchanged: the appeal does not buy time)."""
    if actor.role not in APPEAL_DECIDERS:
        raise PermissionDenied("申诉由电子监察复核", "an auditor decides appeals")
    rating, follow_up = _rating_and_follow_up(session, rating_id)
    if follow_up.state is not FollowUpState.APPEALED:
        raise InvalidTransition("该差评不在申诉复核中", "no appeal to decide")
    follow_up.state = FollowUpState.VOIDED if data.upheld else FollowUpState.OPEN
    follow_up.appeal_decision, follow_up.appeal_decided_by = data.decision.strip(), actor.id
    session.add(follow_up)
    outcome = "申诉成立，评价不计入" if data.upheld else "申诉不成立，继续整改"
    _audit(session, clock.now(), rating.application_id, actor, "rating_appeal_decided", outcome)
    session.flush()
    return follow_up


def escalate_overdue(session: Session, clock: Clock) -> int:
    """The deadline sweep: mail the section chiefs and leaders once about each follow-up past
    its due date; returns how many were escalated."""
    now = clock.now()
    query = select(RatingFollowUp).where(
        RatingFollowUp.state == FollowUpState.OPEN,
        col(RatingFollowUp.due_on) < local_date(now),
        RatingFollowUp.overdue_notified == False,  # noqa: E712
    )
    escalated = 0
    for follow_up in session.exec(query).all():
        rating = session.get(Rating, follow_up.rating_id)
        if rating is None:
            continue
        follow_up.overdue_notified = True
        session.add(follow_up)
        reference, project, _ = _subject_of(session, rating)
        kind = (
            "办件"
            if rating.application_id is not None
            else ("企业问题" if rating.problem_id is not None else "前期指导")
        )
        subject = f"{kind} {reference}“{project}”"
        text = f"差评整改已逾期（应于{follow_up.due_on.isoformat()}前反馈），请督办"
        _mail_staff(session, now, rating, subject, "overdue", text, Role.LEADER)
        escalated += 1
    session.flush()
    return escalated


def _mail_staff(
    session: Session, now: datetime, rating: Rating, subject: str, kind: str, text: str,
    *extra: Role,
) -> None:  # fmt: skip
    roles = (Role.SECTION_CHIEF, *extra)
    staff = session.exec(
        select(User).where(col(User.role).in_(roles), User.is_active == True)  # noqa: E712
    ).all()
    for user in staff:
        session.add(
            OutboxMail(
                message_id=f"<rating-{kind}-{rating.id}-{user.id}@eia.local>",
                application_id=rating.application_id,
                to_addr=user.email,
                subject=f"【好差评】{subject.split('“')[0].replace(' ', '')}：{text[:30]}",
                body=(
                    f"{user.display_name}：\n\n{subject}{text}。\n请登录系统在“差评整改”中办理。\n\n本邮件由系统自动发送"
                    f"（{now:%Y-%m-%d %H:%M}）。\n"
                ),
                created_at=to_utc(now),
            )
        )


def _audit(
    session: Session, now: datetime, application_id: int | None, actor: User, action: str,
    comment: str,
) -> None:  # fmt: skip
    audit.record_case(session, to_utc(now), application_id, actor, action, comment)
