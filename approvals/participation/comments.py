"""Comments from the public on a notice, their moderation and the officer's responses.

Anyone may comment without an account while, and after, a notice runs: a comment after the end
date is kept and marked late. Each is counted per client address (the account-request
throttle), and the case officer records a response to every comment that is not hidden;
drafting the decision waits for that and for the notice's end (``check_may_draft``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from approvals import audit
from approvals.catalogue.schema import Item, PublicationRule
from approvals.clock import local_date
from approvals.enterprise.throttle import admit
from approvals.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from approvals.participation.notices import cn_day, find_notice, get_notice
from models import (
    PERIOD_KINDS,
    Application,
    NoticeKind,
    PublicComment,
    RequestKind,
    Role,
    User,
)

MAX_NAME = 50
MAX_CONTACT = 100
MAX_TEXT = 2000
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
RESPONDERS = frozenset({Role.CASE_OFFICER, Role.SECTION_CHIEF, Role.ADMIN})
MODERATORS = frozenset({Role.CASE_OFFICER, Role.SECTION_CHIEF, Role.ADMIN})


@dataclass(frozen=True)
class CommentIn:
    name: str
    contact: str
    text: str


@dataclass(frozen=True)
class Attachment:
    filename: str
    sha256: str
    size: int
    key: str


def check_texts(fields: tuple[tuple[str, str, str, int], ...], message_en: str) -> None:
    """Every (field, label, value, limit) filled in and within its limit; all problems at once,
    each naming its field."""
    problems = []
    for field, label, value, limit in fields:
        if not value.strip():
            problems.append({"field": field, "problem": f"请填写{label}"})
        elif len(value) > limit:
            problems.append({"field": field, "problem": f"{label}不能超过{limit}个字"})
    if problems:
        raise InvalidInput("；".join(p["problem"] for p in problems), message_en, problems=problems)


def check_fields(comment: CommentIn) -> None:
    check_texts(
        (
            ("name", "姓名", comment.name, MAX_NAME),
            ("contact", "联系方式", comment.contact, MAX_CONTACT),
            ("text", "意见内容", comment.text, MAX_TEXT),
        ),
        "the comment does not validate",
    )


def admit_comment(session: Session, notice_id: int, address: str, at: datetime) -> None:
    """The per-address limit, checked (and counted) before anything else of the comment is
    read or stored; the caller commits also when it refuses."""
    get_notice(session, notice_id)
    admit(session, RequestKind.PUBLIC_COMMENT, address, at)


def submit_comment(
    session: Session,
    notice_id: int,
    comment: CommentIn,
    attachment: Attachment | None,
    address: str,
    at: datetime,
) -> PublicComment:
    """Record a comment (flushes). Late when made after the notice's last day."""
    notice = get_notice(session, notice_id)
    check_fields(comment)
    today = local_date(at)
    if notice.kind not in PERIOD_KINDS:
        raise InvalidInput("审批决定公告不接受意见", "a decision notice takes no comments")
    if today < notice.starts_on:
        raise InvalidInput("该公示尚未开始", "the notice has not started")
    row = PublicComment(
        notice_id=notice_id,
        application_id=notice.application_id,
        name=comment.name.strip(),
        contact=comment.contact.strip(),
        text=comment.text.strip(),
        attachment_filename=attachment.filename if attachment else None,
        attachment_sha256=attachment.sha256 if attachment else None,
        attachment_size=attachment.size if attachment else None,
        attachment_key=attachment.key if attachment else None,
        submitted_at=at,
        late=today > notice.ends_on,
        client_address=address[:64],
    )
    session.add(row)
    session.flush()
    return row


def comments_of(session: Session, application_id: int) -> list[PublicComment]:
    return list(
        session.exec(
            select(PublicComment)
            .where(PublicComment.application_id == application_id)
            .order_by(col(PublicComment.submitted_at), col(PublicComment.id))
        )
    )


def _comment_of_case(session: Session, application_id: int, comment_id: int) -> PublicComment:
    row = session.get(PublicComment, comment_id)
    if row is None or row.application_id != application_id:
        raise NotFound("公众意见不存在", "no such comment on this case")
    return row


def _audit(
    session: Session, at: datetime, actor: User, application_id: int, action: str, note: str
) -> None:
    audit.record_case(session, at, application_id, actor, action, note)


def respond(
    session: Session, actor: User, application_id: int, comment_id: int, text: str, at: datetime
) -> PublicComment:
    """The officer's response to one comment (replaces an earlier one), audited."""
    if actor.role not in RESPONDERS:
        raise PermissionDenied("只有承办人、科长或管理员可以答复公众意见", "may not respond")
    row = _comment_of_case(session, application_id, comment_id)
    text = text.strip()
    if not text:
        raise InvalidInput(
            "请填写答复内容",
            "the response is empty",
            problems=[{"field": "response", "problem": "请填写答复内容"}],
        )
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"答复内容不能超过{MAX_TEXT}个字", "the response is too long")
    row.response, row.responded_by, row.responded_at = text, actor.id, at
    session.add(row)
    _audit(session, at, actor, application_id, "public_comment_response", f"答复公众意见 #{row.id}")
    session.flush()
    return row


def hide(
    session: Session, actor: User, application_id: int, comment_id: int, reason: str, at: datetime
) -> PublicComment:
    """Moderation: an abusive comment is hidden (kept in the file, needs no response), audited."""
    if actor.role not in MODERATORS:
        raise PermissionDenied("只有承办人、科长或管理员可以屏蔽公众意见", "may not moderate")
    row = _comment_of_case(session, application_id, comment_id)
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            "请填写屏蔽理由",
            "a reason is needed",
            problems=[{"field": "reason", "problem": "请填写屏蔽理由"}],
        )
    row.hidden, row.hidden_by, row.hidden_at, row.hidden_reason = True, actor.id, at, reason[:500]
    session.add(row)
    _audit(
        session,
        at,
        actor,
        application_id,
        "public_comment_hidden",
        f"屏蔽公众意见 #{row.id}：{reason[:200]}",
    )
    session.flush()
    return row


def unanswered(comments: list[PublicComment]) -> list[PublicComment]:
    return [c for c in comments if not c.hidden and not c.response]


def check_may_draft(session: Session, item: Item, application: Application, today: date) -> None:
    """Refuse drafting (409) while the case's 受理公示 still runs, and while a comment on it
    waits for its response (a late one included: it is kept and answered like the others)."""
    spec = item.acceptance_notice
    if spec is None or spec.rule is not PublicationRule.BEFORE_DECISION:
        return
    assert application.id is not None
    notice = find_notice(session, application.id, NoticeKind.ACCEPTANCE)
    if notice is None:
        return
    if today <= notice.ends_on:
        raise InvalidTransition(
            f"暂不能拟办：受理公示期至{cn_day(notice.ends_on)}止，公示期满后方可拟办",
            "drafting waits for the acceptance notice to end",
            notice_ends_on=notice.ends_on.isoformat(),
        )
    waiting = len(unanswered(comments_of(session, application.id)))
    if waiting:
        raise InvalidTransition(
            f"暂不能拟办：尚有{waiting}条公众意见未答复，请逐条答复（或屏蔽滥用内容）后再拟办",
            f"drafting waits for {waiting} public comment(s) to be answered",
            unanswered=waiting,
        )
