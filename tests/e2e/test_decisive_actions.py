"""Decisive staff actions ask first, and show what they decide right beside their buttons."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from tests.api.case_driving import DENY, to_signing
from tests.helpers import create_submitted, page_login, sign_in


def _actions_card(page: str) -> str:
    found = re.search(
        r'<section class="card card-actions" id="actions">(.*?)</section>', page, re.S
    )
    assert found is not None, "the case page has no 办理 card"
    return found.group(1)


def test_the_sign_button_sits_under_the_draft_it_signs_and_asks_first(client: TestClient) -> None:
    case = create_submitted(client, sign_in(client, "qiye"))
    to_signing(client, case["id"])
    page_login(client, "lingdao")
    page = client.get(f"/cases/{case['id']}")
    assert page.status_code == 200
    card = _actions_card(page.text)
    draft_at = card.index('id="decision-draft"')
    button_at = card.index('id="decide"')
    assert draft_at < button_at  # the draft, then its buttons, in one section
    assert "拟准予许可" in card and "落实废气治理措施" in card
    question = re.search(r'id="decide" data-confirm="([^"]+)"', card)
    assert question is not None
    assert html.unescape(question.group(1)).startswith("确认签发《批复》")
    assert "签发后将编号、生成正式文书并送达申请人" in html.unescape(question.group(1))
    # Without JavaScript the form still posts: a plain submit button in a POST form.
    assert 'action="/cases/{}/sign"'.format(case["id"]) in card


def test_a_denial_names_its_document_in_the_question(client: TestClient) -> None:
    case = create_submitted(client, sign_in(client, "qiye"))
    to_signing(client, case["id"], DENY)
    page_login(client, "lingdao")
    card = _actions_card(client.get(f"/cases/{case['id']}").text)
    assert "确认签发《不予批准决定书》" in html.unescape(card)
    assert "饮用水水源二级保护区" in card


def test_refusal_asks_before_it_refuses(client: TestClient) -> None:
    case = create_submitted(client, sign_in(client, "qiye"))
    page_login(client, "shouli")
    card = html.unescape(_actions_card(client.get(f"/cases/{case['id']}").text))
    assert "确认不予受理《" in card


def test_a_refused_staff_form_redirects_and_a_reload_is_a_plain_get(client: TestClient) -> None:
    case = create_submitted(client, sign_in(client, "qiye"))
    page_login(client, "shouli")
    typed = "告知向有关机关申请"
    refused = client.post(
        f"/cases/{case['id']}/refuse",
        data={"reasons": " ", "redirect_to": typed},
        follow_redirects=False,
    )
    assert refused.status_code == 303
    location = refused.headers["location"]
    assert location == f"/cases/{case['id']}#actions"  # no message text in the address
    shown = client.get(location)
    assert shown.status_code == 200
    assert 'class="alert alert-error"' in shown.text
    assert "请填写理由" in shown.text and f'value="{typed}"' in shown.text  # work kept
    again = client.get(location)  # a reload: a GET, the message shown once
    assert again.status_code == 200 and 'class="alert alert-error"' not in again.text
    assert (
        client.get(f"/api/applications/{case['id']}", headers=sign_in(client, "qiye")).json()[
            "status"
        ]
        == "submitted"
    )


def test_the_refusal_is_shown_only_to_the_one_who_was_refused(client: TestClient) -> None:
    case = create_submitted(client, sign_in(client, "qiye"))
    page_login(client, "shouli")
    client.post(f"/cases/{case['id']}/refuse", data={"reasons": ""}, follow_redirects=False)
    cookie = client.cookies.get("eia_refusal")
    assert cookie
    page_login(client, "chengban")
    client.cookies.set("eia_refusal", cookie, path=f"/cases/{case['id']}")
    page = client.get(f"/cases/{case['id']}")
    assert page.status_code == 200 and 'class="alert alert-error"' not in page.text


def test_a_refused_admin_form_redirects_to_the_page_it_came_from(client: TestClient) -> None:
    page_login(client, "admin")
    form = {"username": "chengban", "display_name": "重名", "email": "x@sthjj.example"}
    sent = client.post("/admin/users", data=form | {"role": "leader"}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == "/admin/users"
    shown = client.get("/admin/users")
    assert shown.status_code == 200
    assert "该用户名已被使用" in shown.text and 'value="重名"' in shown.text
    assert "该用户名已被使用" not in client.get("/admin/users").text
