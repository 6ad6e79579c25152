"""Getting back in by mail: a password reset link (single use, expiring, ends every session,
the same answer for unknown addresses) and the unlock link mailed when a username locks."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from approvals.seed import DEMO_PASSWORD
from core.settings import Settings
from models import AccountToken, AuditEvent
from tests.api.account_mail import link_in, mails_to, token_of
from tests.helpers import page_form_token, page_login, sign_in

NEW_PASSWORD = "Qingshan-lvshui-88"
QIYE_MAIL = "qiye@lvyuan.example"


def _path(link: str) -> str:
    return link.removeprefix("https://eia.example")


def test_a_reset_answers_alike_for_unknown_addresses_and_mails_a_single_use_link(
    client: TestClient, settings: Settings, engine: Engine
) -> None:
    before = sign_in(client, "qiye", DEMO_PASSWORD)
    assert client.get("/api/me", headers=before).status_code == 200

    known = client.post("/api/auth/password-reset", json={"email": "QIYE@lvyuan.example"})
    unknown = client.post("/api/auth/password-reset", json={"email": "nobody@lvyuan.example"})
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json()) == (
        202, {"message": known.json()["message"]},
    )  # fmt: skip
    [mail] = mails_to(settings.resolved_outbox_dir, QIYE_MAIL)
    assert not mails_to(settings.resolved_outbox_dir, "nobody@lvyuan.example")
    link = _path(link_in(mail, "/password/reset"))

    form = client.get(link)
    assert form.status_code == 200 and "qiye" in form.text
    csrf = page_form_token(client, link)
    weak = client.post(
        "/password/reset",
        data={"token": token_of(link), "new_password": "qiye123456",
              "new_password_again": "qiye123456", "csrf_token": csrf},
    )  # fmt: skip
    assert weak.status_code == 422 and "不能包含用户名" in weak.text  # the link still works

    done = client.post(
        "/password/reset",
        data={"token": token_of(link), "new_password": NEW_PASSWORD,
              "new_password_again": NEW_PASSWORD, "csrf_token": csrf},
        follow_redirects=False,
    )  # fmt: skip
    assert done.status_code == 303
    assert done.headers["location"].startswith("/login?msg=password_reset")
    assert client.get("/api/me", headers=before).status_code == 401  # every session ended

    reused = client.get(link)
    assert reused.status_code == 400 and "链接无效或已过期" in reused.text
    assert page_login(client, "qiye", DEMO_PASSWORD).status_code == 401
    assert page_login(client, "qiye", NEW_PASSWORD).status_code == 303
    with Session(engine) as session:
        assert "password_reset" in session.exec(select(AuditEvent.action)).all()


def test_a_reset_link_expires_after_an_hour(
    client: TestClient, settings: Settings, engine: Engine
) -> None:
    client.post("/api/auth/password-reset", json={"email": QIYE_MAIL})
    [mail] = mails_to(settings.resolved_outbox_dir, QIYE_MAIL)
    with Session(engine) as session:
        row = session.exec(select(AccountToken)).one()
        row.expires_at -= timedelta(hours=1)
        session.add(row)
        session.commit()
    answer = client.post(
        "/api/auth/password-reset/confirm",
        json={"token": token_of(link_in(mail, "/password/reset")), "new_password": NEW_PASSWORD},
    )
    assert answer.status_code == 422 and "链接无效或已过期" in answer.json()["message"]


def test_a_lock_mails_an_unlock_link_that_lifts_it(
    client: TestClient, settings: Settings, engine: Engine
) -> None:
    statuses = [page_login(client, "qiye", f"wrong-{n}").status_code for n in range(5)]
    assert statuses == [401] * 4 + [429]
    locked = page_login(client, "qiye", DEMO_PASSWORD)
    assert locked.status_code == 429 and "解锁链接" in locked.text
    [mail] = mails_to(settings.resolved_outbox_dir, QIYE_MAIL)
    assert "锁定" in str(mail["Subject"])
    link = _path(link_in(mail, "/unlock"))

    assert client.get(link).status_code == 200  # a button: opening the link alone unlocks nothing
    assert page_login(client, "qiye", DEMO_PASSWORD).status_code == 429
    client.cookies.clear()
    unlocked = client.post(
        "/unlock",
        data={"token": token_of(link), "csrf_token": page_form_token(client, link)},
        follow_redirects=False,
    )
    assert unlocked.status_code == 303 and unlocked.headers["location"] == "/login?msg=unlocked"
    assert page_login(client, "qiye", DEMO_PASSWORD).status_code == 303
    with Session(engine) as session:
        actions = session.exec(select(AuditEvent.action)).all()
    assert {"sign_in_locked", "sign_in_unlocked"} <= set(actions)


def test_an_unknown_username_locks_alike_and_mails_no_one(
    client: TestClient, settings: Settings
) -> None:
    statuses = [page_login(client, "nobody", f"wrong-{n}").status_code for n in range(5)]
    assert statuses == [401] * 4 + [429]
    assert not list(settings.resolved_outbox_dir.glob("*.eml"))
