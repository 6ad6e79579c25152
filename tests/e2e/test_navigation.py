"""Navigation per role: each role lands where its work is, and its menu lists every top-level
page it may open (each answering 200) and none it may not (each refused)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from approvals.joint_review.expert_pool import ensure_expert_pool
from core.db import session_scope
from tests.helpers import page_login

TOP_PAGES = {
    "/my", "/apply", "/enterprise", "/expert", "/queue", "/audit", "/audit/commitment", "/admin",
    "/admin/facts", "/credit-list", "/guide", "/verify", "/ratings", "/audit/ratings",
    "/consultations", "/audit/consultations", "/exchange", "/liaison", "/problems",
    "/audit/problems", "/helpers",
}  # fmt: skip
STAFF = ["/queue", "/consultations", "/liaison", "/problems", "/helpers", "/ratings"]
STAFF += ["/admin/facts"]
STAFF += ["/credit-list", "/exchange", "/guide", "/verify"]
AUDIT = ["/audit", "/audit/commitment", "/audit/ratings", "/audit/consultations", "/audit/problems"]
AUDIT += ["/consultations", "/admin/facts", "/credit-list", "/exchange"]
AUDIT += ["/guide", "/verify"]
EXPECTED: dict[str, list[str]] = {  # username -> the menu, its first link the start page
    "qiye": [
        "/my",
        "/apply",
        "/consultations",
        "/problems",
        "/helpers",
        "/enterprise",
        "/guide",
        "/verify",
    ],
    "zj01": ["/expert", "/guide", "/verify"],
    "shouli": STAFF,
    "chengban": STAFF,
    "kezhang": STAFF,
    "lingdao": STAFF,
    "jiancha": AUDIT,
    "admin": [
        "/admin",
        "/consultations",
        "/liaison",
        "/problems",
        "/helpers",
        "/ratings",
        *AUDIT[:5],
        *AUDIT[6:],
    ],
}
_NAV = re.compile(r'<nav class="site-nav".*?</nav>', re.S)
_HREF = re.compile(r'href="([^"]+)"')


def menu(html: str) -> list[str]:
    found = _NAV.search(html)
    assert found, "the page has no menu"
    return _HREF.findall(found.group(0))


@pytest.fixture
def experts(client: TestClient, engine: Engine) -> None:
    with session_scope(engine) as session:
        ensure_expert_pool(session)
        session.commit()


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_role_lands_on_its_work_and_its_menu_is_exactly_its_pages(
    client: TestClient, experts: None, username: str
) -> None:
    signed_in = page_login(client, username)
    expected = EXPECTED[username]
    assert signed_in.status_code == 303 and signed_in.headers["location"] == expected[0]
    assert client.get("/", follow_redirects=False).headers["location"] == expected[0]
    home = client.get(expected[0])
    assert home.status_code == 200
    assert menu(home.text) == expected
    for href in expected:
        page = client.get(href)
        assert page.status_code == 200, (href, page.text[:300])
        assert menu(page.text) == expected  # the same menu everywhere
        assert f'href="{href}" class="active" aria-current="page"' in page.text
    for href in TOP_PAGES - set(expected):
        refused = client.get(href, follow_redirects=False)
        assert refused.status_code == 403, (href, refused.status_code)


def test_a_visitor_sees_the_public_pages_and_sign_in(client: TestClient) -> None:
    client.cookies.clear()
    page = client.get("/login")
    assert menu(page.text) == ["/login", "/register", "/guide", "/public/notices", "/verify"]
    for href in menu(page.text):
        assert client.get(href).status_code == 200, href


def test_error_pages_speak_chinese_only(client: TestClient) -> None:
    page_login(client, "qiye")
    for path in ("/cases/99999", "/no-such-page"):
        response = client.get(path)
        assert response.status_code == 404
        main = response.text[response.text.index("<main") : response.text.index("</main>")]
        words = re.sub(r"<[^>]+>", " ", main)
        assert "不存在" in words and not re.search(r"[A-Za-z]{3,}", words), words
