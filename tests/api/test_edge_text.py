"""Names and free text come in without characters nobody can see: bidi overrides and isolates,
zero-width characters and controls are removed (a name also loses its line breaks), so what is
stored, shown, printed on documents and mailed reads as it is."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from flows.runtime import Runtime
from models import Application, Enterprise
from tests.api.case_checks import expect_error, headers_for
from tests.helpers import PROJECT, minimal_pdf

RLO, LRI, PDI, ZWSP, ZWJ, LRM, BOM = (
    "\u202e",
    "\u2066",
    "\u2069",
    "\u200b",
    "\u200d",
    "\u200e",
    "\ufeff",
)
HIDDEN = [RLO, LRI, PDI, ZWSP, ZWJ, LRM, BOM, "\x00", "\x1b", "\x7f", "\x9b"]


def _spiked(text: str) -> str:
    """``text`` with every hidden character slipped in between its first characters."""
    return "".join(c + h for c, h in zip(text, HIDDEN, strict=False)) + text[len(HIDDEN) :]


def test_a_right_to_left_override_in_a_file_name_is_removed_before_the_checks(
    client: TestClient,
) -> None:
    applicant = headers_for(client, "qiye")
    draft = client.post("/api/applications", json=PROJECT, headers=applicant).json()
    url = f"/api/applications/{draft['id']}/materials/report_full_text"

    disguised = client.put(  # shows as 环评报告exe.pdf, is 环评报告fdp.exe
        url,
        files={"file": (f"环评报告{RLO}fdp.exe", minimal_pdf(), "application/pdf")},
        headers=applicant,
    )
    assert "only PDF" in expect_error(disguised, 415, "upload_rejected")["message_en"]

    stored = client.put(
        url,
        files={"file": (f"{LRI}环评{ZWSP}报告书{PDI}{BOM}.pdf", minimal_pdf(), "application/pdf")},
        headers=applicant,
    )
    assert stored.status_code == 200, stored.text
    assert stored.json()["filename"] == "环评报告书.pdf"


def test_hidden_characters_are_removed_from_project_names_and_free_text(
    client: TestClient, runtime: Runtime
) -> None:
    applicant = headers_for(client, "qiye")
    body = PROJECT | {
        "project_name": _spiked(PROJECT["project_name"]) + "\n二期",
        "site": f"{RLO}郑州经济技术开发区{LRM}第九大街88号",
        "consultant": f"河南中环{ZWJ}评价咨询有限公司",
        "description": f"第一行{RLO}\n第二行\t（含表格）{BOM}",
    }
    created = client.post("/api/applications", json=body, headers=applicant)
    assert created.status_code == 201, created.text
    with Session(runtime.engine) as session:
        row = session.exec(select(Application)).one()
        assert row.project_name == PROJECT["project_name"] + " 二期"  # one line
        assert row.site == PROJECT["site"]
        assert row.consultant == PROJECT["consultant"]
        assert row.description == "第一行\n第二行\t（含表格）"  # free text keeps its lines

    only_hidden = client.post(
        "/api/applications", json=PROJECT | {"project_name": RLO + ZWSP}, headers=applicant
    )
    problems = expect_error(only_hidden, 422, "invalid_input")["details"]["problems"]
    assert [p["field"] for p in problems] == ["project_name"]


def test_hidden_characters_are_removed_from_a_registered_enterprise_and_person_name(
    client: TestClient, runtime: Runtime
) -> None:
    response = client.post(
        "/api/register",
        json={
            "uscc": "91410100MA44C5YL11",
            "enterprise_name": f"郑州{RLO}清源环保{ZWSP}科技有限公司",
            "legal_representative": f"张{LRM}三",
            "username": "qingyuan",
            "display_name": f"李{BOM}四",
            "email": "li@qingyuan.example",
            "phone": "13800000000",
            "password": "correct-horse-battery",
        },
    )
    assert response.status_code in (200, 201), response.text
    with Session(runtime.engine) as session:
        enterprise = session.exec(
            select(Enterprise).where(Enterprise.uscc == "91410100MA44C5YL11")
        ).one()
        assert enterprise.name == "郑州清源环保科技有限公司"
