"""Enterprise self-registration, email verification, password reset and unlock links (JSON).

The pages (``api.pages.accounts``) call the same domain functions. Registration and reset
requests are limited per client address (429 with ``Retry-After``); a reset request answers
the same whether or not the address belongs to an account.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from api.auth import client_of, link_mail, wall_now
from api.deps import CurrentUser, ServicesDep, SessionDep
from api.mail_relay import reset_links_after_response, send_after_commit
from approvals.enterprise import recovery, registration
from approvals.errors import DomainError, InvalidInput
from models import Enterprise, MemberKind, User

router = APIRouter(prefix="/api", tags=["公共 public"])

RESET_ANSWER = "如果该邮箱对应本系统的有效账号，重置密码的链接已发送到该邮箱，1小时内有效。"


class RegistrationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    uscc: Annotated[str, Field(max_length=30, description="统一社会信用代码（18位，GB 32100）")]
    enterprise_name: Annotated[str, Field(max_length=200, description="企业名称")]
    legal_representative: Annotated[str, Field(max_length=50, description="法定代表人")]
    username: Annotated[str, Field(max_length=64, description="登录用户名，4-32位")]
    display_name: Annotated[str, Field(max_length=100, description="使用人姓名")]
    email: Annotated[str, Field(max_length=254, description="电子邮箱（接收验证邮件）")]
    phone: Annotated[str, Field(max_length=30, description="联系电话")]
    password: Annotated[
        str, Field(max_length=256, description="至少10位，含字母、数字、符号中两类")
    ]
    member_kind: MemberKind = MemberKind.HANDLER


class RegistrationPublic(BaseModel):
    user_id: int
    username: str
    enterprise_id: int
    email_verified: bool
    message: str


class TokenBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: Annotated[str, Field(min_length=1, max_length=100)]


class ResetRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Annotated[str, Field(max_length=254)]


class ResetConfirm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: Annotated[str, Field(min_length=1, max_length=100)]
    new_password: Annotated[str, Field(max_length=256)]


class Answer(BaseModel):
    message: str


def commit_refused(session: Session) -> None:
    """Keep the throttle's record of a refused request (unless the transaction failed)."""
    if session.is_active:
        session.commit()


@router.post(
    "/register",
    response_model=RegistrationPublic,
    status_code=status.HTTP_201_CREATED,
    summary="企业注册（发送邮箱验证邮件） / register an enterprise",
)
def register(
    request: Request,
    body: RegistrationCreate,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
) -> RegistrationPublic:
    """The registering user becomes the enterprise's account administrator. A registered
    USCC is refused (422, ``field: uscc``). The account may sign in at once but can apply only
    after opening the link mailed to it."""
    data = registration.Registration(**body.model_dump())
    try:
        user = registration.register_enterprise(
            session, data, address=client_of(request).address, now=wall_now(),
            mail=link_mail(services.settings),
        )  # fmt: skip
    except DomainError:
        commit_refused(session)
        raise
    session.commit()
    send_after_commit(background, services, session)
    assert user.id is not None and user.enterprise_id is not None
    return RegistrationPublic(
        user_id=user.id,
        username=user.username,
        enterprise_id=user.enterprise_id,
        email_verified=False,
        message=f"注册成功。验证邮件已发送到 {user.email}，请打开邮件中的链接完成验证。",
    )


@router.post("/register/verify", response_model=Answer, summary="验证注册邮箱 / verify the email")
def verify(body: TokenBody, session: SessionDep) -> Answer:
    registration.verify_email(session, body.token, wall_now())
    session.commit()
    return Answer(message="邮箱验证成功，现在可以提交审批申请。")


@router.post(
    "/register/resend",
    response_model=Answer,
    status_code=status.HTTP_202_ACCEPTED,
    summary="重新发送验证邮件 / send the verification mail again",
)
def resend(
    user: CurrentUser, session: SessionDep, services: ServicesDep, background: BackgroundTasks
) -> Answer:
    account = session.get(User, user.id)
    assert account is not None
    if account.email_verified:
        raise InvalidInput("邮箱已验证，无需重发", "the email is verified already")
    enterprise = session.get(Enterprise, account.enterprise_id) if account.enterprise_id else None
    registration.send_verification(
        session, account, wall_now(), link_mail(services.settings),
        enterprise_name=enterprise.name if enterprise else "",
    )  # fmt: skip
    session.commit()
    send_after_commit(background, services, session)
    return Answer(message=f"验证邮件已重新发送到 {account.email}。")


@router.post(
    "/auth/password-reset",
    response_model=Answer,
    status_code=status.HTTP_202_ACCEPTED,
    summary="申请重置密码（邮件链接） / request a password reset link",
)
def request_reset(
    request: Request,
    body: ResetRequest,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
) -> Answer:
    """The same answer whether or not the address belongs to an account."""
    recovery.admit_reset_request(session, address=client_of(request).address, now=wall_now())
    session.commit()
    reset_links_after_response(background, services, body.email)
    return Answer(message=RESET_ANSWER)


@router.post(
    "/auth/password-reset/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="凭邮件链接设置新密码（结束全部登录） / set a new password",
)
def confirm_reset(body: ResetConfirm, session: SessionDep) -> Response:
    recovery.reset_password(session, body.token, body.new_password, wall_now())
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/auth/unlock",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="凭邮件链接解除登录锁定 / unlock with the mailed link",
)
def unlock(request: Request, body: TokenBody, session: SessionDep) -> Response:
    recovery.unlock(session, body.token, wall_now(), client_of(request).address)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
