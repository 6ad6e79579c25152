"""问题台账: problems raised by a key enterprise or its liaison, given to a responsible unit with
a deadline in working days (the category's, as data), answered in a thread, marked 办结 by
staff and closed (销号) only when the enterprise confirms — or reopened. The deadline sweep
escalates an overdue problem once. Services flush; callers commit."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from approvals import audit
from approvals.casework.queries import STAFF_ROLES
from approvals.clock import Clock, as_local, local_date, to_utc
from approvals.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from approvals.liaison.assignment import OVERSEERS, find
from approvals.liaison.rules import load_rules
from approvals.timekeeping.schedule import shared_calendar
from models import (
    Enterprise,
    KeyEnterprise,
    LedgerProblem,
    OutboxMail,
    ProblemReply,
    ProblemState,
    Role,
    User,
)
from models.ids import id_of
from models.liaison import ProblemCreate

HANDLERS = STAFF_ROLES - {Role.AUDITOR}
REPLY_LABELS = {
    "reply": "答复",
    "resolve": "办结",
    "confirm": "企业确认销号",
    "reopen": "企业不满意，重新办理",
    "escalate": "逾期督办",
}


def _is_enterprise(actor: User, problem: LedgerProblem) -> bool:
    return actor.role is Role.APPLICANT and actor.enterprise_id == problem.enterprise_id


def may_handle(session: Session, actor: User, enterprise_id: int) -> bool:
    """Its liaison, or staff who oversee the ledger (section chiefs, leaders, the admin)."""
    if actor.role not in HANDLERS:
        return False
    row = find(session, enterprise_id)
    return actor.role in OVERSEERS or (row is not None and row.liaison_id == actor.id)


def get_problem(session: Session, actor: User, problem_id: int) -> LedgerProblem:
    """The problem if the actor may read it (its enterprise, its liaison, overseers)."""
    problem = session.get(LedgerProblem, problem_id)
    readable = problem is not None and (
        _is_enterprise(actor, problem)
        or actor.role is Role.AUDITOR
        or may_handle(session, actor, problem.enterprise_id)
    )
    if problem is None or not readable:
        raise NotFound(f"问题{problem_id}不存在", f"problem {problem_id} not found")
    return problem


def visible(session: Session, actor: User) -> list[LedgerProblem]:
    """The problems the actor may read: open ones first, each group by due date."""
    query = select(LedgerProblem)
    if actor.role is Role.APPLICANT:
        query = query.where(LedgerProblem.enterprise_id == actor.enterprise_id)
    elif actor.role not in OVERSEERS:
        mine = select(KeyEnterprise.enterprise_id).where(KeyEnterprise.liaison_id == actor.id)
        query = query.where(col(LedgerProblem.enterprise_id).in_(mine))
    rows = session.exec(query.order_by(col(LedgerProblem.due_on), col(LedgerProblem.id)))
    return sorted(rows, key=lambda p: p.state is ProblemState.CLOSED)


def replies_of(session: Session, problem_id: int) -> list[ProblemReply]:
    query = select(ProblemReply).where(ProblemReply.problem_id == problem_id)
    return list(session.exec(query.order_by(col(ProblemReply.id))))


def raise_problem(
    session: Session, clock: Clock, actor: User, data: ProblemCreate
) -> LedgerProblem:
    """The key enterprise (for itself) or its liaison (naming it) records a problem; the due
    date is the category's working days (or ``deadline_days`` the liaison sets)."""
    rules = load_rules()
    if actor.role is Role.APPLICANT:
        enterprise_id = actor.enterprise_id
        by_liaison = False
    else:
        enterprise_id = data.enterprise_id
        by_liaison = True
    if enterprise_id is None or find(session, enterprise_id) is None:
        raise InvalidInput(
            "只有确定了包联干部的重点企业可以登记问题",
            "not a key enterprise",
            field="enterprise_id",
        )
    if by_liaison and not may_handle(session, actor, enterprise_id):
        raise PermissionDenied("只有该企业的包联干部可以代企业登记问题", "not its liaison")
    if data.category not in rules.categories.values:
        allowed = "、".join(c.label for c in rules.categories.values.values())
        raise InvalidInput(f"请选择问题分类：{allowed}", "unknown category", field="category")
    days = data.deadline_days if by_liaison and data.deadline_days else rules.days_of(data.category)
    now = clock.now()
    due = shared_calendar().due(local_date(now), days, rules.default_days.unit).day
    problem = LedgerProblem(
        enterprise_id=enterprise_id, raised_by=id_of(actor), raised_by_liaison=by_liaison,
        raised_at=to_utc(now), title=data.title.strip(), description=data.description.strip(),
        category=data.category, responsible_unit=data.responsible_unit.strip() or "待交办",
        deadline_days=days, due_on=due, state=ProblemState.OPEN,
    )  # fmt: skip
    session.add(problem)
    session.flush()
    _audit(session, now, actor, "problem_raised", problem, f"登记问题（{days}个工作日内办结）")
    return problem


def _thread(session: Session, now: datetime, actor: User | None, problem: LedgerProblem,
            kind: str, text: str) -> None:  # fmt: skip
    session.add(
        ProblemReply(
            problem_id=id_of(problem),
            author_id=actor.id if actor else None,
            author_name=actor.display_name if actor else "系统",
            kind=kind,
            text=text.strip(),
            at=to_utc(now),
        )
    )


def reply(session: Session, clock: Clock, actor: User, problem_id: int, text: str) -> LedgerProblem:
    """A message in the thread: from the enterprise or from staff handling it."""
    problem = get_problem(session, actor, problem_id)
    if not (_is_enterprise(actor, problem) or may_handle(session, actor, problem.enterprise_id)):
        raise PermissionDenied("当前账号不能答复该问题", "cannot reply to this problem")
    if problem.state is ProblemState.CLOSED:
        raise InvalidTransition("问题已销号，不能再答复", "the problem is closed")
    _thread(session, clock.now(), actor, problem, "reply", text)
    session.flush()
    return problem


def assign_unit(
    session: Session, clock: Clock, actor: User, problem_id: int, unit: str
) -> LedgerProblem:
    """Give the problem to a responsible unit (交办)."""
    problem = get_problem(session, actor, problem_id)
    if not may_handle(session, actor, problem.enterprise_id):
        raise PermissionDenied("由包联干部或科室负责人交办", "cannot assign this problem")
    problem.responsible_unit = unit.strip()
    session.add(problem)
    _audit(
        session, clock.now(), actor, "problem_assigned", problem, f"交办{problem.responsible_unit}"
    )
    session.flush()
    return problem


def resolve(
    session: Session, clock: Clock, actor: User, problem_id: int, text: str
) -> LedgerProblem:
    """Staff record how it was solved (办结); the enterprise is mailed to confirm."""
    problem = get_problem(session, actor, problem_id)
    if not may_handle(session, actor, problem.enterprise_id):
        raise PermissionDenied("由包联干部或科室负责人办结", "cannot resolve this problem")
    if problem.state is not ProblemState.OPEN:
        raise InvalidTransition("只有办理中的问题可以办结", "the problem is not open")
    now = clock.now()
    problem.state, problem.resolved_on = ProblemState.RESOLVED, local_date(now)
    session.add(problem)
    _thread(session, now, actor, problem, "resolve", text)
    _audit(session, now, actor, "problem_resolved", problem, "办结，待企业确认")
    enterprise = session.get(Enterprise, problem.enterprise_id)
    if enterprise is not None:
        session.add(
            _mail(
                enterprise.email,
                f"problem-resolved-{problem.id}-{problem.reopened}",
                now,
                f"问题“{problem.title}”已办结，请确认",
                f"{enterprise.name}：\n\n您反映的问题“{problem.title}”已办结：\n{text.strip()}\n\n"
                "请登录系统在“问题台账”中确认销号；如未解决，可选择重新办理。",
            )
        )
    session.flush()
    return problem


def confirm(session: Session, clock: Clock, actor: User, problem_id: int, solved: bool,
            text: str = "") -> LedgerProblem:  # fmt: skip
    """The enterprise confirms (销号) or reopens a resolved problem; only it can."""
    problem = get_problem(session, actor, problem_id)
    if not _is_enterprise(actor, problem):
        raise PermissionDenied("问题须经企业确认后方可销号", "only the enterprise confirms")
    if problem.state is not ProblemState.RESOLVED:
        raise InvalidTransition("问题尚未办结，暂不能确认", "the problem is not resolved")
    now = clock.now()
    if solved:
        problem.state, problem.closed_on = ProblemState.CLOSED, local_date(now)
        _thread(session, now, actor, problem, "confirm", text or "问题已解决，同意销号")
        _audit(session, now, actor, "problem_closed", problem, "企业确认，销号")
    else:
        problem.state, problem.reopened = ProblemState.OPEN, problem.reopened + 1
        _thread(session, now, actor, problem, "reopen", text or "问题未解决")
        _audit(session, now, actor, "problem_reopened", problem, "企业不满意，重新办理")
    session.add(problem)
    session.flush()
    return problem


def escalate_overdue(session: Session, clock: Clock) -> int:
    """The deadline sweep: a problem past its due date and still 办理中 is marked 督办 once, and
    the section chiefs of its liaison's unit (the same branch) are mailed; audited."""
    now = clock.now()
    today = local_date(now)
    query = select(LedgerProblem).where(
        LedgerProblem.state == ProblemState.OPEN,  # 办结 awaiting confirmation is not late
        col(LedgerProblem.due_on) < today,
        col(LedgerProblem.escalated_on).is_(None),
    )
    escalated = 0
    for problem in session.exec(query).all():
        problem.escalated_on = today
        session.add(problem)
        row = find(session, problem.enterprise_id)
        liaison = session.get(User, row.liaison_id) if row else None
        enterprise = session.get(Enterprise, problem.enterprise_id)
        name = enterprise.name if enterprise else ""
        text = f"{name}的问题“{problem.title}”已逾期（应于{problem.due_on.isoformat()}前办结）"
        _thread(session, now, None, problem, "escalate", text + "，已督办")
        audit.record_case(session, to_utc(now), None, None, "problem_escalated", text)
        for chief in _chiefs_of(session, liaison):
            session.add(
                _mail(
                    chief.email,
                    f"problem-overdue-{problem.id}-{chief.id}",
                    now,
                    f"问题逾期督办：{problem.title}",
                    f"{chief.display_name}：\n\n{text}，包联干部："
                    f"{liaison.display_name if liaison else '—'}，责任单位："
                    f"{problem.responsible_unit}。请督办。",
                )
            )
        escalated += 1
    session.flush()
    return escalated


def _chiefs_of(session: Session, liaison: User | None) -> list[User]:
    branch = liaison.branch_district if liaison else None
    query = select(User).where(
        User.role == Role.SECTION_CHIEF,
        User.is_active == True,  # noqa: E712
        User.branch_district == branch if branch else col(User.branch_district).is_(None),
    )
    return list(session.exec(query))


def _mail(to: str, key: str, now: datetime, subject: str, text: str) -> OutboxMail:
    stamp = f"{as_local(to_utc(now)):%Y-%m-%d %H:%M}"
    return OutboxMail(
        message_id=f"<{key}@eia.local>", application_id=None, to_addr=to,
        subject=f"【问题台账】{subject}", body=f"{text}\n\n本邮件由系统自动发送（{stamp}）。\n",
        created_at=to_utc(now),
    )  # fmt: skip


def _audit(session: Session, now: datetime, actor: User, action: str, problem: LedgerProblem,
           comment: str) -> None:  # fmt: skip
    audit.record_case(
        session,
        to_utc(now),
        None,
        actor,
        action,
        f"问题台账#{problem.id}“{problem.title}”：{comment}",
    )
