"""Post/redirect/get after a refused applicant form: the browser lands on the page's GET (the
message shown once, the typed values kept, still signed in), so a reload never posts again and
never meets "405 Method Not Allowed"."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.case_checks import headers_for
from tests.helpers import PROJECT, page_login

OWN_USCC = "91410100MA9FXXK209"  # the demo applicant's own code: it cannot authorise itself


def test_a_refused_draft_edit_and_enterprise_form_land_on_a_page_that_reloads_calmly(
    client: TestClient,
) -> None:
    draft = client.post("/api/applications", json=PROJECT, headers=headers_for(client, "qiye"))
    case_path = f"/cases/{draft.json()['id']}"
    assert page_login(client, "qiye").status_code == 303
    fields = {k: v for k, v in PROJECT.items() if k != "item_code"}
    for post, data, back, message in [
        (f"{case_path}/draft", fields | {"district": "海淀区"}, case_path, "不是郑州市辖区"),
        ("/enterprise/agents", {"agent_uscc": OWN_USCC}, "/enterprise", "不能授权本企业自己"),
    ]:
        refused = client.post(post, data=data, follow_redirects=False)
        assert refused.status_code == 303 and refused.headers["location"] == back, post
        landed = client.get(back)
        assert landed.status_code == 200 and message in landed.text, post
        assert '<span class="who-name">' in landed.text  # the header still shows who is in
        reloaded = client.get(back)  # a reload: the same page, calm, no message, no 405
        assert reloaded.status_code == 200 and message not in reloaded.text, post
        assert '<span class="who-name">' in reloaded.text
