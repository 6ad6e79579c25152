"""Pages for getting an account and getting back in: enterprise registration, the links
mailed for verification, password reset, unlock and invitation (zh-CN). They call the same
domain functions as ``api.routers.registration``."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, Form, Request, Response
from fastapi.responses import RedirectResponse

from api.auth import client_of, link_mail, wall_now
from api.deps import ServicesDep, SessionDep
from api.mail_relay import reset_links_after_response, send_after_commit
from api.pages.display import redirect_with
from api.pages.security import ApplicantUser, OptionalUser
from api.routers.registration import RESET_ANSWER, commit_refused
from api.templating import render_page
from approvals.enterprise import links, recovery, registration
from approvals.errors import DomainError, InvalidInput, TooManyAttempts
from models import MEMBER_KIND_LABELS, Enterprise, MemberKind, TokenPurpose, User

router = APIRouter()

Text = Annotated[str, Form(max_length=256)]
REGISTRATION_FIELDS = (
    "uscc", "enterprise_name", "legal_representative", "username", "display_name", "email",
    "phone", "member_kind",
)  # fmt: skip


def _problems(exc: DomainError) -> dict[str, str]:
    """Each field's problem (the registration reports them all at once); "" for the form."""
    fields = exc.details.get("fields")
    if isinstance(fields, dict):
        return {str(name): str(message) for name, message in fields.items()}
    return {str(exc.details.get("field", "")): exc.message_zh}


def _refused(response: Response, exc: DomainError) -> Response:
    if isinstance(exc, TooManyAttempts):
        response.headers["Retry-After"] = str(exc.details["retry_after_seconds"])
    return response


@router.get("/register")
def register_form(request: Request, user: OptionalUser) -> Response:
    if user is not None:
        return RedirectResponse("/", status_code=303)
    return render_page(request, "register.html", _register_context({}, {}))


def _register_context(values: dict[str, str], problems: dict[str, str]) -> dict[str, object]:
    return {
        "values": {name: values.get(name, "") for name in REGISTRATION_FIELDS},
        "kinds": MEMBER_KIND_LABELS,
        "problems": problems,
    }


@router.post("/register")
def register(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
    uscc: Text = "",
    enterprise_name: Text = "",
    legal_representative: Text = "",
    username: Text = "",
    display_name: Text = "",
    email: Text = "",
    phone: Text = "",
    password: Text = "",
    password_again: Text = "",
    member_kind: Text = MemberKind.HANDLER.value,
) -> Response:
    values = {
        "uscc": uscc, "enterprise_name": enterprise_name,
        "legal_representative": legal_representative, "username": username,
        "display_name": display_name, "email": email, "phone": phone, "member_kind": member_kind,
    }  # fmt: skip
    try:
        if member_kind not in MemberKind.__members__.values():
            raise InvalidInput("请选择本人身份", "choose a member kind", field="member_kind")
        user = registration.register_enterprise(
            session,
            registration.Registration(**(values | {"password": password,  # type: ignore[arg-type]  # the fields are str; member_kind is converted here
                                                   "password_again": password_again,
                                                   "member_kind": MemberKind(member_kind)})),
            address=client_of(request).address,
            now=wall_now(),
            mail=link_mail(services.settings),
        )  # fmt: skip
    except DomainError as exc:
        commit_refused(session)
        status = 429 if isinstance(exc, TooManyAttempts) else 422
        page = render_page(
            request, "register.html", _register_context(values, _problems(exc)), status_code=status
        )
        return _refused(page, exc)
    session.commit()
    send_after_commit(background, services, session)
    return render_page(
        request,
        "account_message.html",
        {
            "heading": "注册成功，请验证邮箱",
            "message": (
                f"验证邮件已发送到 {user.email}，请在48小时内打开邮件中的链接完成验证。"
                f"验证后用用户名“{user.username}”登录即可提交审批申请。"
            ),
            "next_steps": [("/login", "前往登录")],
        },
    )


@router.get("/verify-email")
def verify_email(request: Request, session: SessionDep, token: str = "") -> Response:
    """Opening the mailed link verifies the mailbox (harmless if a mail scanner opens it)."""
    try:
        registration.verify_email(session, token, wall_now())
    except InvalidInput as exc:
        return _message(request, "邮箱验证未完成", exc.message_zh, 400, [("/login", "前往登录")])
    session.commit()
    return _message(
        request, "邮箱验证成功", "现在可以登录并提交审批申请。", 200,
        [("/login?next=/apply", "登录并网上申请")],
    )  # fmt: skip


@router.post("/register/resend")
def resend_verification(
    session: SessionDep, services: ServicesDep, user: ApplicantUser, background: BackgroundTasks
) -> Response:
    account = session.get(User, user.id)
    assert account is not None
    if not account.email_verified:
        enterprise = session.get(Enterprise, account.enterprise_id)
        registration.send_verification(
            session, account, wall_now(), link_mail(services.settings),
            enterprise_name=enterprise.name if enterprise else "",
        )  # fmt: skip
        session.commit()
        send_after_commit(background, services, session)
    return redirect_with("/my", "verification_sent")


@router.get("/password/forgot")
def forgot_form(request: Request) -> Response:
    return render_page(request, "password_forgot.html", {"email": "", "error": ""})


@router.post("/password/forgot")
def forgot(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
    email: Text = "",
) -> Response:
    try:
        recovery.admit_reset_request(session, address=client_of(request).address, now=wall_now())
    except TooManyAttempts as exc:
        page = render_page(
            request, "password_forgot.html", {"email": email, "error": exc.message_zh}, 429
        )
        return _refused(page, exc)
    session.commit()
    reset_links_after_response(background, services, email)
    return _message(request, "请查收邮件", RESET_ANSWER, 200, [("/login", "返回登录")])


_SET_PASSWORD = {
    TokenPurpose.RESET_PASSWORD: ("/password/reset", "设置新密码", "password_reset"),
    TokenPurpose.INVITATION: ("/invitation", "接受邀请，设置登录密码", "invitation_accepted"),
}


def _password_form(
    request: Request, session: SessionDep, purpose: TokenPurpose, token: str
) -> Response:
    action, heading, _ = _SET_PASSWORD[purpose]
    try:
        user = links.peek(session, token, purpose, wall_now())
    except InvalidInput as exc:
        return _message(request, heading, exc.message_zh, 400, [("/password/forgot", "重新申请")])
    return render_page(
        request,
        "password_form.html",
        {"action": action, "heading": heading, "token": token, "username": user.username,
         "error": ""},
    )  # fmt: skip


def _set_password(
    request: Request, session: SessionDep, purpose: TokenPurpose, token: str, new: str, again: str
) -> Response:
    action, heading, done = _SET_PASSWORD[purpose]
    set_it = (
        recovery.reset_password
        if purpose is TokenPurpose.RESET_PASSWORD
        else (recovery.set_invited_password)
    )
    try:
        if new != again:
            raise InvalidInput("两次输入的密码不一致", "the passwords differ", field="new_password")
        user = set_it(session, token, new, wall_now())
    except InvalidInput as exc:
        if exc.details.get("field") == "token":
            return _message(
                request, heading, exc.message_zh, 400, [("/password/forgot", "重新申请")]
            )
        return render_page(
            request, "password_form.html",
            {"action": action, "heading": heading, "token": token, "username": "",
             "error": exc.message_zh},
            status_code=422,
        )  # fmt: skip
    session.commit()
    # The sign-in form is filled in with the account name (encoded, as any text in a URL).
    query = urlencode({"msg": done, "username": user.username})
    return RedirectResponse(f"/login?{query}", status_code=303)


@router.get("/password/reset")
def reset_form(request: Request, session: SessionDep, token: str = "") -> Response:
    return _password_form(request, session, TokenPurpose.RESET_PASSWORD, token)


@router.post("/password/reset")
def reset(
    request: Request,
    session: SessionDep,
    token: Text = "",
    new_password: Text = "",
    new_password_again: Text = "",
) -> Response:
    return _set_password(
        request, session, TokenPurpose.RESET_PASSWORD, token, new_password, new_password_again
    )


@router.get("/invitation")
def invitation_form(request: Request, session: SessionDep, token: str = "") -> Response:
    return _password_form(request, session, TokenPurpose.INVITATION, token)


@router.post("/invitation")
def accept_invitation(
    request: Request,
    session: SessionDep,
    token: Text = "",
    new_password: Text = "",
    new_password_again: Text = "",
) -> Response:
    return _set_password(
        request, session, TokenPurpose.INVITATION, token, new_password, new_password_again
    )


@router.get("/unlock")
def unlock_form(request: Request, token: str = "") -> Response:
    """A button, not an unlock on GET: a mail scanner opening the link must not unlock."""
    return render_page(request, "unlock.html", {"token": token})


@router.post("/unlock")
def unlock(request: Request, session: SessionDep, token: Text = "") -> Response:
    try:
        recovery.unlock(session, token, wall_now(), client_of(request).address)
    except InvalidInput as exc:
        return _message(request, "解除锁定", exc.message_zh, 400, [("/login", "返回登录")])
    session.commit()
    return RedirectResponse("/login?msg=unlocked", status_code=303)


def _message(
    request: Request, heading: str, message: str, status: int, links: list[tuple[str, str]]
) -> Response:
    return render_page(
        request,
        "account_message.html",
        {"heading": heading, "message": message, "next_steps": links},
        status_code=status,
    )
