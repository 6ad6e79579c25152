"""Licences through the API, on SQLite and PostgreSQL: issue, change, renew, replace, cancel,
the refusals that leave everything as it was, and the deemed renewal of 行政许可法第50条."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date, datetime
from typing import Any

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from approvals.catalogue import Catalogue, LicenceAction
from approvals.clock import SHANGHAI, FixedClock
from approvals.licences import deemed_renewal
from approvals.licences import service as licences
from flows import deadlines
from flows.runtime import Runtime
from models import Application, AuditEvent, Document, Enterprise, Licence, OutboxMail, User
from models.enums import DocumentKind
from tests.api.case_checks import (
    OTHER_USCC,
    add_other_applicant,
    case_state,
    expect_error,
    headers_for,
    row_count,
)
from tests.api.case_driving import APPROVE, approve_draft, draft, to_signing
from tests.helpers import PROJECT, create_submitted

PERMIT_SCOPE = "许可排放口：DA001废气排放口（颗粒物、非甲烷总烃）"
NEW_NAME = "郑州绿源智能装备有限公司"
NEW_SITE = "郑州经济技术开发区第十五大街66号"


# --- helpers ---------------------------------------------------------------------------------


def _engine(client: TestClient) -> Engine:
    return client.app.state.services.engine  # type: ignore[attr-defined,no-any-return]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pdf_text(pdf: bytes) -> str:
    if shutil.which("pdftotext"):
        out = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
        )
        return _squash(out.stdout.decode("utf-8"))
    return _squash("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _set_day(clock: FixedClock, day: date) -> None:
    clock.set(datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI))


def _body(item_code: str, **overrides: Any) -> dict[str, Any]:
    return PROJECT | {"item_code": item_code} | overrides


def _decide(client: TestClient, case_id: int, decision: dict[str, Any] = APPROVE) -> dict[str, Any]:
    """From submitted through acceptance, drafting, review and sign-off to the final state."""
    to_signing(client, case_id, decision)
    signed = client.post(
        f"/api/applications/{case_id}/sign", json={}, headers=headers_for(client, "lingdao")
    )
    assert signed.status_code == 200, signed.text
    final = client.get(f"/api/applications/{case_id}", headers=headers_for(client, "qiye")).json()
    assert final["status"] in ("approved", "denied"), final["status"]
    return final  # type: ignore[no-any-return]


def _apply(client: TestClient, item_code: str, **overrides: Any) -> dict[str, Any]:
    """A submitted application of the demo applicant, decided and approved."""
    case = create_submitted(client, headers_for(client, "qiye"), item_code=item_code, **overrides)
    return _decide(client, case["id"])


def _licence(client: TestClient, number: str) -> Licence:
    with Session(_engine(client)) as session:
        licence = session.exec(select(Licence).where(Licence.number == number)).one()
        session.expunge(licence)
        return licence


def _certificates(final: dict[str, Any]) -> list[dict[str, Any]]:
    return [d for d in final["documents"] if d["kind"] == "licence_certificate"]


def _certificate_text(client: TestClient, final: dict[str, Any]) -> str:
    (certificate,) = _certificates(final)
    assert certificate["state"] == "issued" and certificate["number"].startswith("郑环许〔")
    pdf = client.get(certificate["download_url"], headers=headers_for(client, "qiye"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    return _pdf_text(pdf.content)


def _verify(client: TestClient, document: dict[str, Any]) -> dict[str, Any]:
    response = client.get(f"/api/verify/{document['verify_code']}")
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _issue_permit(client: TestClient) -> tuple[dict[str, Any], Licence]:
    """PW-02 end to end on the fixture's day (2026-11-20); returns the case and its licence."""
    final = _apply(client, "PW-02", description=PERMIT_SCOPE)
    with Session(_engine(client)) as session:
        application = session.get(Application, final["id"])
        assert application is not None and application.licence_number
        number = application.licence_number
    return final, _licence(client, number)


def _seed_licence(
    client: TestClient, username: str, kind: str, *, valid_to: date, status: str = "active"
) -> Licence:
    """A licence row held by ``username``'s enterprise, issued by a draft of that user (a
    shortcut for the refusal tests, which only read the licence)."""
    draft = client.post(
        "/api/applications",
        json=_body("PW-02" if kind == "pollutant_discharge" else "HW-02"),
        headers=headers_for(client, username),
    )
    assert draft.status_code == 201, draft.text
    with Session(_engine(client)) as session:
        user = session.exec(select(User).where(User.username == username)).one()
        enterprise = session.get(Enterprise, user.enterprise_id)
        assert enterprise is not None
        now = datetime(2026, 11, 20, 2, 0, tzinfo=SHANGHAI)
        licence = Licence(
            number=f"{enterprise.uscc}001P"
            if kind == "pollutant_discharge"
            else "HW-410100-2025-009",
            kind=kind,
            enterprise_id=enterprise.id,  # type: ignore[arg-type]
            holder_name=enterprise.name,
            address=enterprise.address or "郑州",
            scope=["测试许可范围"],
            valid_from=date(valid_to.year - 5, valid_to.month, valid_to.day),
            valid_to=valid_to,
            status=status,
            issued_by_application_id=draft.json()["id"],
            last_application_id=draft.json()["id"],
            created_at=now,
            updated_at=now,
        )
        session.add(licence)
        session.commit()
        session.refresh(licence)
        session.expunge(licence)
        return licence


def _snapshot(client: TestClient) -> tuple[int, int, list[tuple[Any, ...]]]:
    """Applications, audit events and every licence's facts: all must stay as they were."""
    engine = _engine(client)
    with Session(engine) as session:
        rows = session.exec(select(Licence).order_by(col(Licence.id))).all()
        facts = [
            (r.number, r.status, r.holder_name, r.address, r.valid_from, r.valid_to, r.copies)
            for r in rows
        ]
    return row_count(engine, Application), row_count(engine, AuditEvent), facts


# --- the catalogue ---------------------------------------------------------------------------


def test_licence_items_name_their_certificate_consistently(catalogue: Catalogue) -> None:
    specs = {i.code: i.licence for i in catalogue.items if i.licence is not None}
    assert len(specs) == 20
    for item in catalogue.items:
        spec = item.licence
        if spec is None:
            continue
        certified = spec.action in licences.CERTIFIED
        assert (DocumentKind.LICENCE_CERTIFICATE in item.documents) == certified, item.code
        if spec.action is LicenceAction.ISSUE:
            assert spec.validity_years, item.code
        if spec.action is LicenceAction.RENEW:
            assert spec.renew_before_days, item.code
    assert specs["HW-02"].validity_years == 3  # type: ignore[union-attr]
    assert specs["HW-05"].validity_years is None  # type: ignore[union-attr]  # the original term


def test_validity_arithmetic() -> None:
    assert licences.term_end(date(2026, 11, 20), 5) == date(2031, 11, 19)
    assert licences.term_end(date(2028, 2, 29), 5) == date(2033, 2, 28)
    assert licences.term_end(date(2026, 3, 1), 3) == date(2029, 2, 28)


# --- the happy paths -------------------------------------------------------------------------


def test_pw02_issues_a_permit_with_its_certificate(client: TestClient) -> None:
    final, licence = _issue_permit(client)
    with Session(_engine(client)) as session:
        enterprise = session.get(Enterprise, licence.enterprise_id)
        assert enterprise is not None
        uscc, name = enterprise.uscc, enterprise.name
    assert licence.number == f"{uscc}001P"
    assert (licence.kind, licence.status, licence.copies) == ("pollutant_discharge", "active", 1)
    assert (licence.valid_from, licence.valid_to) == (date(2026, 11, 20), date(2031, 11, 19))
    assert licence.holder_name == name and licence.address == PROJECT["site"]
    assert licence.issued_by_application_id == licence.last_application_id == final["id"]
    assert PERMIT_SCOPE in licence.scope

    kinds = [d["kind"] for d in final["documents"]]
    assert kinds == ["acceptance_notice", "approval", "licence_certificate"]
    text = _certificate_text(client, final)
    for expected in (
        "排污许可证",
        licence.number,
        name,
        uscc,
        _squash(PROJECT["site"]),
        _squash(PERMIT_SCOPE),
        f"自{_cn(licence.valid_from)}至{_cn(licence.valid_to)}",
        "郑州市生态环境局",
    ):
        assert expected in text, expected
    assert "补发" not in text


def test_pw04_change_keeps_number_and_validity(client: TestClient) -> None:
    first, licence = _issue_permit(client)
    with Session(_engine(client)) as session:  # the name was changed at registration (工商变更)
        enterprise = session.get(Enterprise, licence.enterprise_id)
        assert enterprise is not None
        enterprise.name = NEW_NAME
        session.add(enterprise)
        session.commit()

    final = _apply(client, "PW-04", licence_number=licence.number, site=NEW_SITE)
    changed = _licence(client, licence.number)
    assert (changed.id, changed.valid_from, changed.valid_to, changed.copies) == (
        licence.id,
        licence.valid_from,
        licence.valid_to,
        1,
    )
    assert (changed.holder_name, changed.address) == (NEW_NAME, NEW_SITE)
    assert changed.last_application_id == final["id"]
    assert changed.issued_by_application_id == first["id"]
    text = _certificate_text(client, final)
    assert licence.number in text and NEW_NAME in text and _squash(NEW_SITE) in text
    assert f"自{_cn(licence.valid_from)}至{_cn(licence.valid_to)}" in text
    # the certificate with the old particulars no longer verifies as valid
    assert _verify(client, _certificates(first)[0])["valid"] is False
    assert _verify(client, _certificates(final)[0])["valid"] is True


def test_pw05_renewal_extends_validity_by_five_years(client: TestClient, clock: FixedClock) -> None:
    _, licence = _issue_permit(client)
    _set_day(clock, date(2031, 8, 1))  # 110 days before expiry: in time
    final = _apply(client, "PW-05", licence_number=licence.number)
    renewed = _licence(client, licence.number)
    assert renewed.number == licence.number
    assert (renewed.valid_from, renewed.valid_to) == (date(2031, 11, 20), date(2036, 11, 19))
    text = _certificate_text(client, final)
    assert licence.number in text and "自2031年11月20日至2036年11月19日" in text
    actions = [t["action"] for t in final["timeline"]]
    assert licences.LATE_RENEWAL_ACTION not in actions


def test_pw07_replacement_is_a_second_copy_marked_reissued(client: TestClient) -> None:
    first, licence = _issue_permit(client)
    final = _apply(client, "PW-07", licence_number=licence.number)
    replaced = _licence(client, licence.number)
    assert replaced.copies == 2
    assert (replaced.valid_from, replaced.valid_to) == (licence.valid_from, licence.valid_to)
    text = _certificate_text(client, final)
    assert "补发" in text and licence.number in text
    assert _verify(client, _certificates(first)[0])["valid"] is False  # the lost one


def test_pw06_cancellation_revokes_the_certificates(client: TestClient) -> None:
    first, licence = _issue_permit(client)
    old = _certificates(first)[0]
    assert _verify(client, old)["valid"] is True
    final = _apply(client, "PW-06", licence_number=licence.number)
    assert _licence(client, licence.number).status == "cancelled"
    assert _certificates(final) == []  # a cancellation issues the decision, no certificate
    assert [d["kind"] for d in final["documents"]] == ["acceptance_notice", "approval"]
    verified = _verify(client, old)
    assert verified["valid"] is False and verified["state"] == "revoked"


def test_a_denial_changes_nothing(client: TestClient) -> None:
    _, licence = _issue_permit(client)
    denial = {
        "outcome": "deny",
        "reasons": "变更材料与工商登记信息不一致。",
        "legal_grounds": "《排污许可管理条例》第十四条",
    }
    case = create_submitted(
        client, headers_for(client, "qiye"), item_code="PW-04", licence_number=licence.number
    )
    final = _decide(client, case["id"], denial)
    assert final["status"] == "denied" and _certificates(final) == []
    after = _licence(client, licence.number)
    assert (after.holder_name, after.address, after.last_application_id) == (
        licence.holder_name,
        licence.address,
        licence.last_application_id,
    )


# --- refusals: a clear 4xx and nothing changed ----------------------------------------------


def test_unknown_and_foreign_licences_get_the_same_not_found(client: TestClient) -> None:
    add_other_applicant(_engine(client), "minjiang", "Minjiang-Passw0rd!")
    foreign = _seed_licence(client, "minjiang", "pollutant_discharge", valid_to=date(2030, 6, 30))
    assert foreign.number.startswith(OTHER_USCC)
    mine = _seed_licence(client, "qiye", "hazardous_waste", valid_to=date(2030, 6, 30))
    before = _snapshot(client)
    qiye = headers_for(client, "qiye")
    answers = []
    for item_code, number in (
        ("PW-04", "91410100MA00000000001P"),  # no such licence
        ("PW-05", foreign.number),  # another enterprise's
        ("PW-04", mine.number),  # the applicant's, but of another kind
    ):
        response = client.post(
            "/api/applications", json=_body(item_code, licence_number=number), headers=qiye
        )
        body = expect_error(response, 404, "licence_not_found")
        answers.append(body["message"].replace(number, "<n>"))
    assert len(set(answers)) == 1  # nothing tells a foreign licence from a missing one
    missing = client.post("/api/applications", json=_body("PW-04"), headers=qiye)
    expect_error(missing, 422, "licence_number_required")
    assert _snapshot(client) == before


def test_renewal_after_expiry_is_refused(client: TestClient, clock: FixedClock) -> None:
    _, licence = _issue_permit(client)
    _set_day(clock, date(2031, 11, 20))  # the day after valid_to
    before = _snapshot(client)
    response = client.post(
        "/api/applications",
        json=_body("PW-05", licence_number=licence.number),
        headers=headers_for(client, "qiye"),
    )
    body = expect_error(response, 422, "licence_expired")
    assert body["message"] == "许可证已过期，不能申请延续，请重新申请核发"
    assert _snapshot(client) == before


def test_cancelled_licence_cannot_be_cancelled_again(client: TestClient) -> None:
    licence = _seed_licence(
        client, "qiye", "pollutant_discharge", valid_to=date(2030, 6, 30), status="cancelled"
    )
    before = _snapshot(client)
    response = client.post(
        "/api/applications",
        json=_body("PW-06", licence_number=licence.number),
        headers=headers_for(client, "qiye"),
    )
    body = expect_error(response, 422, "licence_not_active")
    assert "已注销" in body["message"]
    assert _snapshot(client) == before


def test_a_second_open_case_on_the_same_licence_is_refused(client: TestClient) -> None:
    licence = _seed_licence(client, "qiye", "pollutant_discharge", valid_to=date(2030, 6, 30))
    qiye = headers_for(client, "qiye")
    first = create_submitted(client, qiye, item_code="PW-04", licence_number=licence.number)
    before, first_state = _snapshot(client), case_state(_engine(client), first["id"])
    second = client.post(
        "/api/applications", json=_body("PW-07", licence_number=licence.number), headers=qiye
    )
    body = expect_error(second, 409, "licence_busy")
    assert first["number"] in body["message"]
    assert _snapshot(client) == before
    assert case_state(_engine(client), first["id"]) == first_state
    # once the first is decided, the licence is free again
    _decide(client, first["id"])
    again = client.post(
        "/api/applications", json=_body("PW-07", licence_number=licence.number), headers=qiye
    )
    assert again.status_code == 201, again.text


# --- renewal timing and 行政许可法第50条 --------------------------------------------------------


def _deemed_events(client: TestClient, application_id: int) -> list[AuditEvent]:
    with Session(_engine(client)) as session:
        return list(
            session.exec(
                select(AuditEvent).where(
                    AuditEvent.application_id == application_id,
                    AuditEvent.action == deemed_renewal.DEEMED_RENEWAL_ACTION,
                )
            ).all()
        )


def _deemed_mails(client: TestClient) -> list[OutboxMail]:
    with Session(_engine(client)) as session:
        return list(
            session.exec(select(OutboxMail).where(col(OutboxMail.subject).contains("视为准予延续")))
        )


def test_undecided_renewal_is_deemed_granted_at_expiry_once(
    client: TestClient, clock: FixedClock, runtime: Runtime
) -> None:
    _, licence = _issue_permit(client)
    _set_day(clock, date(2031, 8, 1))  # in time (>= 60 days before 2031-11-19)
    case = create_submitted(
        client, headers_for(client, "qiye"), item_code="PW-05", licence_number=licence.number
    )
    client.post(f"/api/applications/{case['id']}/accept", headers=headers_for(client, "shouli"))

    _set_day(clock, date(2031, 11, 19))  # the last valid day: nothing yet
    assert deadlines.deem_renewals(runtime) == 0
    _set_day(clock, date(2031, 11, 20))  # expired, undecided
    assert deadlines.deem_renewals(runtime) == 1
    assert deadlines.deem_renewals(runtime) == 0  # idempotent
    renewed = _licence(client, licence.number)
    assert (renewed.valid_from, renewed.valid_to) == (date(2031, 11, 20), date(2036, 11, 19))
    assert renewed.last_application_id == case["id"]
    (event,) = _deemed_events(client, case["id"])
    assert event.actor_id is None and "第五十条" in event.comment
    (mail,) = _deemed_mails(client)
    assert mail.to_addr == "qiye@lvyuan.example" and licence.number in mail.subject

    # the case goes on; its approval issues the certificate without extending again
    detail = client.get(f"/api/applications/{case['id']}", headers=headers_for(client, "qiye"))
    assert detail.json()["status"] == "drafting"
    _set_day(clock, date(2031, 11, 24))
    draft(client, case["id"])
    approve_draft(client, case["id"])
    signed = client.post(
        f"/api/applications/{case['id']}/sign", json={}, headers=headers_for(client, "lingdao")
    )
    assert signed.status_code == 200, signed.text
    after = _licence(client, licence.number)
    assert (after.valid_from, after.valid_to) == (date(2031, 11, 20), date(2036, 11, 19))
    final = client.get(f"/api/applications/{case['id']}", headers=headers_for(client, "qiye"))
    assert "自2031年11月20日至2036年11月19日" in _certificate_text(client, final.json())


def test_late_renewal_is_accepted_noted_and_not_deemed(
    client: TestClient, clock: FixedClock, runtime: Runtime
) -> None:
    _, licence = _issue_permit(client)
    _set_day(clock, date(2031, 10, 15))  # 35 days before expiry: later than 60 days before
    case = create_submitted(
        client, headers_for(client, "qiye"), item_code="PW-05", licence_number=licence.number
    )
    timeline = client.get(
        f"/api/applications/{case['id']}", headers=headers_for(client, "qiye")
    ).json()["timeline"]
    late = [t for t in timeline if t["action"] == licences.LATE_RENEWAL_ACTION]
    assert len(late) == 1 and "2031-09-20" in late[0]["comment"]
    _set_day(clock, date(2031, 11, 25))
    assert deadlines.deem_renewals(runtime) == 0
    assert _licence(client, licence.number).valid_to == date(2031, 11, 19)
    assert _deemed_events(client, case["id"]) == [] and _deemed_mails(client) == []


def test_hazardous_waste_renewal_keeps_the_collection_licence_term(
    client: TestClient, clock: FixedClock
) -> None:
    """HW-05 names no term: a 收集 licence (HW-02, 3 years) is renewed for 3 years."""
    issued = _apply(client, "HW-02", description="收集HW08废矿物油，5000吨/年")
    with Session(_engine(client)) as session:
        application = session.get(Application, issued["id"])
        assert application is not None and application.licence_number
        number = application.licence_number
    assert re.fullmatch(r"HW-410100-2026-\d{3}", number), number
    licence = _licence(client, number)
    assert licence.valid_to == date(2029, 11, 19)
    _set_day(clock, date(2029, 8, 1))  # well over 30 working days before expiry
    _apply(client, "HW-05", licence_number=number)
    renewed = _licence(client, number)
    assert (renewed.valid_from, renewed.valid_to) == (date(2029, 11, 20), date(2032, 11, 19))


def test_the_certificate_numbers_its_document_in_the_decision_series(client: TestClient) -> None:
    final, _ = _issue_permit(client)
    with Session(_engine(client)) as session:
        documents = session.exec(
            select(Document)
            .where(Document.application_id == final["id"])
            .order_by(col(Document.id))
        ).all()
        series = [(d.kind.value, d.series) for d in documents]
    assert series == [
        ("acceptance_notice", "郑环受"),
        ("approval", "郑环许"),
        ("licence_certificate", "郑环许"),
    ]
