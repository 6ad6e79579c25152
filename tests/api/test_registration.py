"""Enterprise self-registration: the GB 32100 check, a refused duplicate USCC, the password
policy, the per-address limit, and the mailed verification link without which the account
cannot apply. Mail is read from the .eml outbox the app writes (the embedded sender)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from approvals.enterprise.registration import DUPLICATE_USCC
from approvals.seed import demo_uscc
from approvals.uscc import check_character
from core.settings import Settings
from models import AccountRequest, AccountToken, AuditEvent, User
from tests.api.account_mail import body_of, link_in, mails_to, token_of
from tests.helpers import PROJECT, page_form_token, page_login, sign_in

PASSWORD = "Lvshui-2026-qingshan"


def uscc_for(serial: int) -> str:
    first17 = f"91410100MA{serial:07d}"
    return first17 + check_character(first17)


def registration(serial: int = 1, **overrides: Any) -> dict[str, Any]:
    return {
        "uscc": uscc_for(serial),
        "enterprise_name": f"郑州青山新材料有限公司{serial}",
        "legal_representative": "王建国",
        "username": f"qingshan{serial}",
        "display_name": "李明",
        "email": f"liming{serial}@qingshan.example",
        "phone": "13803710000",
        "password": PASSWORD,
        "member_kind": "handler",
    } | overrides


def test_a_registered_enterprise_applies_only_after_opening_the_mailed_link(
    client: TestClient, settings: Settings, engine: Engine
) -> None:
    form = registration() | {"password_again": PASSWORD}
    form["csrf_token"] = page_form_token(client, "/register")
    page = client.post("/register", data=form)
    assert page.status_code == 200, page.text
    assert "注册成功" in page.text and "liming1@qingshan.example" in page.text

    [mail] = mails_to(settings.resolved_outbox_dir, "liming1@qingshan.example")
    assert "验证" in str(mail["Subject"]) and "郑州青山新材料有限公司1" in body_of(mail)
    link = link_in(mail, "/verify-email")
    assert link.startswith("https://eia.example/verify-email?token=")
    with Session(engine) as session:
        stored = session.exec(select(AccountToken)).one()
        assert token_of(link) not in stored.token_hash  # only the hash is kept
        assert stored.token_hash == hashlib.sha256(token_of(link).encode()).hexdigest()
        user = session.exec(select(User).where(User.username == "qingshan1")).one()
        assert (user.email_verified, user.is_enterprise_admin) == (False, True)

    assert page_login(client, "qingshan1", PASSWORD).status_code == 303
    notice = client.get("/my")
    assert "尚未验证" in notice.text and "liming1@qingshan.example" in notice.text
    resent = client.post("/register/resend", follow_redirects=True)
    assert "验证邮件已重新发送" in resent.text
    first, mail = mails_to(settings.resolved_outbox_dir, "liming1@qingshan.example")
    assert link_in(first, "/verify-email") != link_in(mail, "/verify-email")
    link = link_in(mail, "/verify-email")
    headers = sign_in(client, "qingshan1", PASSWORD)
    refused = client.post("/api/applications", json=PROJECT, headers=headers)
    assert refused.status_code == 403 and "邮箱验证" in refused.json()["message"]

    verified = client.get(link.removeprefix("https://eia.example"))
    assert verified.status_code == 200 and "邮箱验证成功" in verified.text
    again = client.get(link.removeprefix("https://eia.example"))
    assert again.status_code == 400 and "链接无效或已过期" in again.text

    created = client.post("/api/applications", json=PROJECT, headers=headers)
    assert created.status_code == 201, created.text
    with Session(engine) as session:
        actions = session.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))).all()
    assert actions[-2:] == ["enterprise_registered", "email_verified"]


def test_a_registered_uscc_is_refused_with_a_clear_message(client: TestClient) -> None:
    first = client.post("/api/register", json=registration(2))
    assert first.status_code == 201, first.text
    assert first.json()["email_verified"] is False

    again = client.post(
        "/api/register",
        json=registration(2, username="another2", uscc=uscc_for(2).lower()),
    )
    assert again.status_code == 422
    assert again.json()["message"] == DUPLICATE_USCC
    assert again.json()["details"]["field"] == "uscc"

    demo = client.post("/api/register", json=registration(3, uscc=demo_uscc()))
    assert demo.status_code == 422 and "已注册企业账号" in demo.json()["message"]


def test_a_wrong_check_character_or_a_weak_password_is_refused_next_to_its_field(
    client: TestClient,
) -> None:
    good = uscc_for(4)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    answer = client.post("/api/register", json=registration(4, uscc=wrong)).json()
    assert "校验位错误" in answer["message"] and answer["details"]["field"] == "uscc"

    for weak, why in [("short1!", "至少需要10个字符"), ("abcdefghijkl", "至少两类"),
                      ("qingshan4-2026", "不能包含用户名")]:  # fmt: skip
        answer = client.post("/api/register", json=registration(4, password=weak)).json()
        assert why in answer["message"] and answer["details"]["field"] == "password"

    form = registration(4) | {"password_again": "different-2026", "csrf_token": ""}
    form["csrf_token"] = page_form_token(client, "/register")
    page = client.post("/register", data=form)
    assert page.status_code == 422 and "两次输入的密码不一致" in page.text
    assert 'aria-invalid="true"' in page.text and 'value="郑州青山新材料有限公司4"' in page.text

    form |= {"uscc": wrong, "email": "not-an-address", "phone": "12345"}
    page = client.post("/register", data=form)
    assert "请修改以下4处后重新提交" in page.text  # every problem at once, each at its field
    for field, why in [
        ("uscc", "校验位错误"),
        ("email", "电子邮箱格式不正确"),
        ("phone", "联系电话格式不正确"),
        ("password_again", "两次输入的密码不一致"),
    ]:
        assert why in page.text.split(f'id="error-{field}">')[1].split("</span>")[0]


def test_registration_is_limited_per_client_address(client: TestClient, engine: Engine) -> None:
    statuses = [
        client.post("/api/register", json=registration(5, uscc="bad")).status_code
        for _ in range(10)
    ]
    assert statuses == [422] * 10
    refused = client.post("/api/register", json=registration(5))
    assert refused.status_code == 429
    assert "注册请求过于频繁" in refused.json()["message"]
    assert 0 < int(refused.headers["retry-after"]) <= 3600

    with Session(engine) as session:  # an hour passes
        for request in session.exec(select(AccountRequest)).all():
            request.at -= timedelta(hours=1)
            session.add(request)
        session.commit()
    assert client.post("/api/register", json=registration(5)).status_code == 201


def test_the_verification_mail_can_be_sent_again_and_only_the_latest_link_works(
    client: TestClient, settings: Settings
) -> None:
    assert client.post("/api/register", json=registration(6)).status_code == 201
    headers = sign_in(client, "qingshan6", PASSWORD)
    assert client.post("/api/register/resend", headers=headers).status_code == 202
    first, second = mails_to(settings.resolved_outbox_dir, "liming6@qingshan.example")
    old = token_of(link_in(first, "/verify-email"))
    new = token_of(link_in(second, "/verify-email"))
    assert client.post("/api/register/verify", json={"token": old}).status_code == 422
    assert client.post("/api/register/verify", json={"token": new}).status_code == 200
    assert client.post("/api/register/resend", headers=headers).status_code == 422
