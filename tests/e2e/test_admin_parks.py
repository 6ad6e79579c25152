"""系统管理 · 园区与告知承诺制范围: the administrator reads the parks with their plan-EIA review
and the fast track's scope as the eligibility check uses them; nobody else may open it."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from approvals.commitment.scope import shared_parks, shared_scope
from tests.helpers import page_login


def test_the_administrator_reads_the_parks_and_the_scope_others_may_not(
    client: TestClient,
) -> None:
    page_login(client, "admin")
    assert 'href="/admin/parks"' in client.get("/admin").text
    page = client.get("/admin/parks").text
    parks, scope = shared_parks(), shared_scope()
    assert page.count("<tr data-park=") == len(parks.parks)
    assert page.count("<li data-type=") == scope.counts.types == 27
    assert "河南新密经济开发区" in page and "审查情况未能核实" in page
    shown = re.sub(r"<[^>]+>", " ", page)  # the text a reader sees (option values aside)
    assert "unknown" not in shown and "inferred" not in shown  # labels, never the raw values
    page_login(client, "chengban")
    assert client.get("/admin/parks").status_code == 403
