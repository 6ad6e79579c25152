"""Signing in with a password, throttled.

* **Per username**: ``limits.failures`` wrong passwords within ``limits.window`` (no success,
  lock or unlock in between) lock the username for ``limits.window`` too. While locked,
  every attempt is refused without checking the password, the right one too, and does not
  extend the lock. The failure that reaches the limit answers "locked" at once.
* **Per client address**: ``limits.address_failures`` failures within ``limits.window`` from
  one address (any usernames) refuse further attempts from it until the oldest ages out.
  A bureau behind one NAT address shares this budget: it is set well above a person's typos.

Every attempt is a ``LoginAttempt`` row: the counts are read from the database, so the limits
hold across API processes, and the rows are the evidence. A lock is also an event in the audit
chain. When the locked username is an account, it is mailed a one-time unlock link
(``approvals.enterprise.unlock``; the answer is the same whether or not the username exists);
``lift_lock`` ends the lock before its time (that link, a password reset, an administrator).

``sign_in`` flushes its attempt row and then raises on refusal: the caller commits in both
cases (a failed attempt that is rolled back would not count).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from approvals import audit
from approvals.accounts import authenticate
from approvals.clock import as_local
from approvals.enterprise.unlock import LinkMail, queue_unlock_mail
from approvals.errors import NotAuthenticated, SignInLocked, SignInThrottled
from models import LoginAttempt, SignInOutcome, User
from models.enums import ROLE_LABELS

MAX_PASSWORD_LENGTH = 1024  # longer is never right: refused without hashing (argon2 cost)


@dataclass(frozen=True)
class SignInLimits:
    """The throttle's figures (``EIA_SIGN_IN_*`` settings; the defaults are the documented
    ones): failures before a username locks, the window they count in and the lock's length,
    failures from one address before it is refused."""

    failures: int = 5
    window: timedelta = timedelta(minutes=15)
    address_failures: int = 30


DEFAULT_LIMITS = SignInLimits()
_COUNTED = (SignInOutcome.FAILURE, SignInOutcome.LOCKED_OUT)
_MARKS = (SignInOutcome.SUCCESS, SignInOutcome.LOCKED_OUT, SignInOutcome.UNLOCKED)


def sign_in(
    session: Session,
    username: str,
    password: str,
    *,
    address: str,
    now: datetime,
    limits: SignInLimits = DEFAULT_LIMITS,
    unlock_mail: LinkMail | None = None,
) -> User:
    """The user whose password this is, or ``SignInThrottled`` / ``SignInLocked`` /
    ``NotAuthenticated``; the attempt is recorded either way (flushed; the caller commits).
    With ``unlock_mail``, a lock mails the account an unlock link."""
    name = username.strip()[:64]
    address = address[:64]
    throttled_for = _address_throttle(session, address, now, limits)
    if throttled_for is not None:
        _record(session, name, None, address, SignInOutcome.REFUSED_THROTTLED, now)
        raise SignInThrottled(
            "该网络地址登录失败次数过多，请稍后再试",
            "too many failed sign-ins from this address; try again later",
            retry_after_seconds=_seconds(throttled_for),
        )
    marks = _last_marks(session, name)
    until = _locked_until(marks, now, limits)
    if until is not None:
        _record(session, name, None, address, SignInOutcome.REFUSED_LOCKED, now)
        raise _locked(until - now, limits)
    try:
        if len(password) > MAX_PASSWORD_LENGTH:
            raise NotAuthenticated("用户名或密码错误", "wrong username or password")
        user = authenticate(session, name, password)
    except NotAuthenticated:
        since = max([now - limits.window, *marks.values()])
        if _failures_since(session, name, since) + 1 < limits.failures:
            _record(session, name, None, address, SignInOutcome.FAILURE, now)
            raise
        _lock(session, name, address, now, limits, unlock_mail)
        raise _locked(limits.window, limits) from None
    _record(session, name, user.id, address, SignInOutcome.SUCCESS, now)
    return user


def lift_lock(session: Session, username: str, now: datetime, address: str = "") -> None:
    """End a lock (and the count of failures) before its time (flushes; the caller commits)."""
    _record(session, username.strip()[:64], None, address, SignInOutcome.UNLOCKED, now)


def locked_until(
    session: Session,
    username: str,
    now: datetime,
    limits: SignInLimits = DEFAULT_LIMITS,
) -> datetime | None:
    """When the username's lock ends, or None when it is not locked."""
    return _locked_until(_last_marks(session, username.strip()[:64]), now, limits)


def _locked(remaining: timedelta, limits: SignInLimits) -> SignInLocked:
    minutes = int(limits.window.total_seconds() // 60)
    return SignInLocked(
        f"登录失败次数过多，账号已锁定{minutes}分钟，请稍后再试。如是本人操作，"
        "可使用发送到账号邮箱的解锁链接提前解锁，或通过“忘记密码”重置密码",
        f"too many wrong passwords: the account is locked for {minutes} minutes",
        retry_after_seconds=_seconds(remaining),
    )


def _seconds(remaining: timedelta) -> int:
    return max(1, int(remaining.total_seconds() + 0.999))


def _last_marks(session: Session, username: str) -> dict[SignInOutcome, datetime]:
    """The latest success, lock and unlock of ``username`` (one grouped, indexed query)."""
    rows = session.exec(
        select(LoginAttempt.outcome, func.max(LoginAttempt.attempted_at))
        .where(LoginAttempt.username == username, col(LoginAttempt.outcome).in_(_MARKS))
        .group_by(col(LoginAttempt.outcome))
    ).all()
    return {SignInOutcome(outcome): at for outcome, at in rows if at is not None}


def _locked_until(
    marks: dict[SignInOutcome, datetime], now: datetime, limits: SignInLimits
) -> datetime | None:
    locked_at = marks.get(SignInOutcome.LOCKED_OUT)
    if locked_at is None:
        return None
    unlocked_at = marks.get(SignInOutcome.UNLOCKED)
    if unlocked_at is not None and unlocked_at >= locked_at:
        return None
    until = locked_at + limits.window
    return until if until > now else None


def _failures_since(session: Session, username: str, since: datetime) -> int:
    return session.exec(
        select(func.count())
        .select_from(LoginAttempt)
        .where(
            LoginAttempt.username == username,
            LoginAttempt.outcome == SignInOutcome.FAILURE,
            col(LoginAttempt.attempted_at) > since,
        )
    ).one()


def _address_throttle(
    session: Session, address: str, now: datetime, limits: SignInLimits
) -> timedelta | None:
    """How long the address must wait, or None when it may try."""
    count, oldest = session.exec(
        select(func.count(), func.min(LoginAttempt.attempted_at)).where(
            LoginAttempt.client_address == address,
            col(LoginAttempt.outcome).in_(_COUNTED),
            col(LoginAttempt.attempted_at) > now - limits.window,
        )
    ).one()
    if count < limits.address_failures or oldest is None:
        return None
    return oldest + limits.window - now


def _lock(
    session: Session,
    username: str,
    address: str,
    now: datetime,
    limits: SignInLimits,
    unlock_mail: LinkMail | None,
) -> None:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is not None and unlock_mail is not None:
        queue_unlock_mail(session, user, now, unlock_mail)
    _record(session, username, user.id if user else None, address, SignInOutcome.LOCKED_OUT, now)
    until = as_local(now + limits.window).strftime("%Y-%m-%d %H:%M")
    audit.append_event(
        session,
        at=now,
        application_id=None,
        actor_id=user.id if user else None,
        actor_name=username[:100],
        actor_role=ROLE_LABELS[user.role] if user else "未知用户",
        action="sign_in_locked",
        comment=f"连续{limits.failures}次密码错误，锁定至{until}（来源地址 {address}）",
    )


def _record(
    session: Session,
    username: str,
    user_id: int | None,
    address: str,
    outcome: SignInOutcome,
    now: datetime,
) -> None:
    session.add(
        LoginAttempt(
            username=username,
            user_id=user_id,
            client_address=address,
            outcome=outcome,
            attempted_at=now,
        )
    )
    session.flush()
