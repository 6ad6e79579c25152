"""Registration and password-reset requests, limited per client address.

The same design as the sign-in throttle (``approvals.sign_in``): every request is a row, the
count within the window is read from the database (so the limit holds across processes), and
a refused request answers ``TooManyAttempts`` with the seconds until the oldest ages out.
Refused requests are not recorded: waiting always ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from approvals.errors import TooManyAttempts
from models import AccountRequest, RequestKind


@dataclass(frozen=True)
class RequestLimit:
    per_address: int
    window: timedelta


LIMITS: dict[RequestKind, RequestLimit] = {
    RequestKind.REGISTRATION: RequestLimit(per_address=10, window=timedelta(hours=1)),
    RequestKind.PASSWORD_RESET: RequestLimit(per_address=10, window=timedelta(hours=1)),
    RequestKind.PUBLIC_COMMENT: RequestLimit(per_address=5, window=timedelta(minutes=10)),
    RequestKind.HEARING_REQUEST: RequestLimit(per_address=3, window=timedelta(minutes=10)),
}
_WHAT = {
    RequestKind.REGISTRATION: "注册",
    RequestKind.PASSWORD_RESET: "找回密码",
    RequestKind.PUBLIC_COMMENT: "提交公众意见",
    RequestKind.HEARING_REQUEST: "提交听证申请",
}


def admit(
    session: Session,
    kind: RequestKind,
    address: str,
    now: datetime,
    limit: RequestLimit | None = None,
) -> None:
    """Record the request, or raise ``TooManyAttempts`` when the address used its budget
    (flushes; the caller commits, also when a later check refuses the request)."""
    limit = limit or LIMITS[kind]
    address = address[:64]
    count, oldest = session.exec(
        select(func.count(), func.min(AccountRequest.at)).where(
            AccountRequest.kind == kind,
            AccountRequest.client_address == address,
            col(AccountRequest.at) > now - limit.window,
        )
    ).one()
    if count >= limit.per_address and oldest is not None:
        wait = max(1, int((oldest + limit.window - now).total_seconds() + 0.999))
        raise TooManyAttempts(
            f"该网络地址{_WHAT[kind]}请求过于频繁，请{max(1, wait // 60)}分钟后再试",
            f"too many {kind.value} requests from this address",
            retry_after_seconds=wait,
        )
    session.add(AccountRequest(kind=kind, client_address=address, at=now))
    session.flush()
