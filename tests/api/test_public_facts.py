"""Facts the public reads are verified facts: no research note, marker, source, internal path or
English name in any public JSON about items; an unverified fact reads 以受理窗口告知为准."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from approvals.catalogue import DEFAULT_DIRECTORY, Catalogue, CatalogueError, load_item
from approvals.catalogue.public_facts import AT_THE_WINDOW, has_marker, public_clauses

RESEARCH_KEYS = {"evidence", "sources", "name_en", "inferred_note", "note_en", "boundary"}


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_no_public_item_json_carries_a_research_marker_a_source_or_an_english_name(
    client: TestClient, catalogue: Catalogue
) -> None:
    paths = ["/api/items", "/api/reference/parks"]
    paths += [f"/api/reference/items/{i.code}/materials" for i in catalogue.items]
    paths += [f"/api/items/{i.code}" for i in catalogue.items]
    paths += [f"/api/items/{i.code}/guide" for i in catalogue.items]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.json()
        text = json.dumps(body, ensure_ascii=False)
        # The one statement about verification the public may read: what could not be checked.
        assert not has_marker(text.replace("规划环评审查情况未能核实", "")), (path, text)
        assert not RESEARCH_KEYS & _keys(body), path
        for item in catalogue.items:
            assert item.name_en not in text, (path, item.code)
            assert all(source not in text for source in item.sources), (path, item.code)


def test_an_unverified_fact_reads_at_the_window_and_never_the_guess(client: TestClient) -> None:
    # EIA-09: its promised 5 working days and its fee "不收费（inferred…）" are guesses.
    guide = client.get("/api/items/EIA-09/guide").json()
    assert guide["promised"] == {
        "days": None, "unit": "working", "text": AT_THE_WINDOW, "verified": False,
    }  # fmt: skip
    assert guide["fee"] == AT_THE_WINDOW
    assert {"promised", "fee", "materials"} <= set(guide["at_the_window"])
    # Its legal basis is statute text: stated as it is.
    assert guide["legal_basis"][0] == "《环境影响评价法》第27条"
    summary = next(i for i in client.get("/api/items").json() if i["code"] == "EIA-09")
    assert summary["promised_days"] is None and summary["promised_text"] == AT_THE_WINDOW


def test_a_legal_basis_keeps_its_statute_and_drops_the_guessed_part(client: TestClient) -> None:
    guide = client.get("/api/items/OT-08/guide").json()
    assert guide["legal_basis"][-1] == AT_THE_WINDOW
    assert all("(inferred)" not in b for b in guide["legal_basis"])


@pytest.mark.parametrize(
    ("text", "public", "dropped"),
    [
        ("不收费（《环境影响评价法》第22条）", "不收费（《环境影响评价法》第22条）", False),
        ("《大气污染防治法》非道路移动机械条款; 地方管理办法(inferred)",
         "《大气污染防治法》非道路移动机械条款", True),
        ("有效期5年（《办法》第24条，legal）；原证不随之注销（inferred）",
         "有效期5年（《办法》第24条）", True),
        ("按综合证，有效期5年（《办法》第13条，legal；归入综合证，inferred）", "", True),
        ("见 https://sthjj.zhumadian.gov.cn/x.html", "", True),
        ("shared/domain/items.yaml (model catalogue) EIA-09", "", True),
    ],
)  # fmt: skip
def test_public_clauses_withhold_every_clause_that_carries_research(
    text: str, public: str, dropped: bool
) -> None:
    assert public_clauses(text) == (public, dropped)


def test_an_item_file_with_a_research_note_in_a_public_field_does_not_load(
    tmp_path: Path,
) -> None:
    data = yaml.safe_load((DEFAULT_DIRECTORY / "OT-03.yaml").read_text())
    data["status_note"] = "郑州可能由住房城乡建设部门出具（inferred，待核实）。"
    path = tmp_path / "OT-03.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(CatalogueError, match="research note in a public field"):
        load_item(path)
