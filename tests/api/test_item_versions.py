"""A changed item file does not change cases in flight: each case keeps its item version."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from api.app import create_app
from approvals.catalogue import DEFAULT_DIRECTORY, item_versions, load_catalogue
from flows.inline import InlineLauncher
from flows.runtime import Runtime
from tests.helpers import create_submitted, sign_in


def _edited_catalogue(tmp_path: Path, *, bump: bool) -> Path:
    folder = tmp_path / "items"
    shutil.copytree(DEFAULT_DIRECTORY, folder)
    path = folder / "EIA-02.yaml"
    data = yaml.safe_load(path.read_text())
    data["statutory"]["days"] = 25
    data["promised"]["days"] = 8
    data["evidence"]["statutory"] = data["statutory"]["evidence"]
    data["materials"].append({"code": "site_photos", "name": "项目现场照片", "required": True})
    if bump:
        data["version"] += 1
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return folder


def _client(runtime: Runtime, folder: Path) -> Iterator[TestClient]:
    catalogue = load_catalogue(folder)
    app = create_app(
        runtime.settings,
        engine=runtime.engine,
        store=runtime.store,
        catalogue=catalogue,
        clock=runtime.clock,
        launcher=InlineLauncher(runtime),
    )
    with TestClient(app) as client:
        yield client


def test_a_case_keeps_the_item_version_it_was_submitted_under(
    client: TestClient, runtime: Runtime, tmp_path: Path
) -> None:
    applicant = sign_in(client, "qiye")
    old = create_submitted(client, applicant, item_code="EIA-02")
    current = runtime.catalogue.get("EIA-02").version
    assert old["item_version"] == current

    for edited in _client(runtime, _edited_catalogue(tmp_path, bump=True)):
        applicant, intake = sign_in(edited, "qiye"), sign_in(edited, "shouli")
        new = create_submitted(edited, applicant, item_code="EIA-02")  # uploads v2's materials
        assert new["item_version"] == current + 1
        for case in (old, new):
            edited.post(f"/api/applications/{case['id']}/accept", headers=intake)
        old_clock = edited.get(f"/api/applications/{old['id']}", headers=intake).json()["clock"]
        new_clock = edited.get(f"/api/applications/{new['id']}", headers=intake).json()["clock"]
        assert (old_clock["limit"], old_clock["promised_limit"]) == (30, 10)  # as submitted
        assert (new_clock["limit"], new_clock["promised_limit"]) == (25, 8)  # the next version


def test_an_item_edited_without_a_new_version_is_refused_for_new_applications(
    client: TestClient, runtime: Runtime, tmp_path: Path
) -> None:
    applicant = sign_in(client, "qiye")
    create_submitted(client, applicant, item_code="EIA-02")  # version 1 is now in use
    for edited in _client(runtime, _edited_catalogue(tmp_path, bump=False)):
        applicant = sign_in(edited, "qiye")
        body = {
            "item_code": "EIA-02",
            "project_name": "未提升版本号的事项",
            "site": "郑州",
            "district": "金水区",
            "industry_code": "3421",
            "total_investment": "10",
            "env_investment": "1",
            "consultant": "某咨询公司",
        }
        response = edited.post("/api/applications", json=body, headers=applicant)
        assert response.status_code == 422
        assert "版本号未更新" in response.json()["message"]


@pytest.fixture(autouse=True)
def _forget_loaded_versions() -> Iterator[None]:
    yield
    item_versions.clear_cache()
