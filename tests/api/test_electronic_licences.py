"""电子证照 through the API, on SQLite and PostgreSQL: every issued document carries an
identifier that its stored metadata recompute; a licence's later certificate is its next
version; the export package holds the signed PDF as issued and metadata consistent with the
document; /verify shows the identifier and key facts, also when the identifier is entered."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from typing import Any
from xml.etree import ElementTree

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from approvals.licences.elicence import identifier as ids
from approvals.licences.elicence.records import problem_of
from cli.main import app
from models import Document, ElectronicLicence, Enterprise
from tests.api.case_checks import OTHER_USCC, add_other_applicant, headers_for
from tests.api.case_driving import accept
from tests.api.test_licences import NEW_SITE, _apply, _certificates, _issue_permit
from tests.helpers import create_submitted, page_login

BUREAU_USCC = "11410100MB1T7E5Q4B"  # settings' demo default


def _engine(client: TestClient) -> Engine:
    return client.app.state.services.engine  # type: ignore[attr-defined,no-any-return]


def _licence_of(client: TestClient, document_id: int) -> ElectronicLicence:
    with Session(_engine(client)) as session:
        licence = session.exec(
            select(ElectronicLicence).where(ElectronicLicence.document_id == document_id)
        ).one()
        session.expunge(licence)
        return licence


def _accepted(client: TestClient) -> dict[str, Any]:
    applicant = headers_for(client, "qiye")
    case = create_submitted(client, applicant)
    accept(client, case["id"])
    detail = client.get(f"/api/applications/{case['id']}", headers=applicant).json()
    (notice,) = detail["documents"]
    return notice  # type: ignore[no-any-return]


def test_an_issued_certificate_carries_the_identifier_its_metadata_determine(
    client: TestClient, engine: Engine
) -> None:
    first, permit = _issue_permit(client)
    (certificate,) = _certificates(first)
    licence = _licence_of(client, certificate["id"])
    with Session(_engine(client)) as session:
        enterprise = session.get(Enterprise, permit.enterprise_id)
        assert enterprise is not None
        holder_code = enterprise.uscc
    fields = licence.fields
    assert fields["certificateIdentifier"] == licence.identifier
    assert fields["certificateName"] == "排污许可证"
    assert fields["certificateNumber"] == permit.number
    assert fields["certificateHolderCode"] == holder_code
    assert fields["certificateIssuingAuthorityName"] == "郑州市生态环境局"
    assert fields["certificateIssuingAuthorityCode"] == BUREAU_USCC
    assert fields["certificateTypeCode"] == BUREAU_USCC + "031"
    assert fields["certificateIssuedDate"] == "2026-11-20"
    assert (fields["certificateEffectiveDate"], fields["certificateExpiringDate"]) == (
        permit.valid_from.isoformat(),
        permit.valid_to.isoformat(),
    )
    recomputed = ids.expected_identifier(
        fields["certificateTypeCode"], BUREAU_USCC, permit.number, holder_code, 1
    )
    assert licence.identifier == recomputed and problem_of(licence) == ""
    assert licence.identifier.startswith(f"1.2.156.3005.2.{BUREAU_USCC}031.{BUREAU_USCC}.")
    # a tampered identifier fails: its check character, or (recomputed) the metadata
    licence.identifier = licence.identifier[:-1] + ("A" if licence.identifier[-1] != "A" else "B")
    assert problem_of(licence) == "证照标识格式或校验位不正确"
    # the decision (批复) of the same case has its own identifier, valid without an end date
    approval = next(d for d in first["documents"] if d["kind"] == "approval")
    decision = _licence_of(client, approval["id"])
    assert decision.fields["certificateNumber"] == approval["number"]
    assert decision.fields["certificateExpiringDate"] == "长期"
    assert problem_of(decision) == "" and decision.identifier != recomputed

    # a change (PW-04): the same licence's next certificate is version 002, same serial;
    # the earlier one is shown revoked
    changed = _apply(client, "PW-04", licence_number=permit.number, site=NEW_SITE)
    second = _licence_of(client, _certificates(changed)[0]["id"])
    assert second.version == 2 and problem_of(second) == ""
    assert second.identifier.split(".")[7] == recomputed.split(".")[7]
    assert second.identifier.split(".")[8] == "002"
    old = client.get(f"/api/verify/{recomputed}").json()
    assert old["valid"] is False and old["licence"]["status"] == "已撤销"
    new = client.get(f"/api/verify/{second.identifier}").json()
    assert new["valid"] is True and new["licence"]["status"] == "有效"

    # eia licences check recomputes every stored identifier; a rewritten one is named
    url = ["licences", "check", "--database-url", engine.url.render_as_string(False)]
    result = CliRunner().invoke(app, url)
    assert result.exit_code == 0, result.output
    assert re.search(r"✓ \d+ 个电子证照标识均与其元数据一致", result.output)
    forged = ids.expected_identifier(
        fields["certificateTypeCode"], BUREAU_USCC, permit.number + "X", holder_code, 1
    )
    with Session(engine) as session:
        stored = session.get(ElectronicLicence, second.id)
        assert stored is not None
        stored.identifier = forged  # well formed, check character right, not its metadata's
        session.add(stored)
        session.commit()
    result = CliRunner().invoke(app, url)
    assert result.exit_code == 1
    assert f"{forged}：证照标识与证照元数据不一致" in result.output.replace("\n", "")


def test_the_package_holds_the_signed_pdf_and_consistent_metadata(
    client: TestClient, engine: Engine
) -> None:
    notice = _accepted(client)
    licence = _licence_of(client, notice["id"])
    url = f"/api/licences/{licence.identifier}/package"
    assert notice["licence_identifier"] == licence.identifier
    assert notice["licence_package_url"] == url
    response = client.get(url, headers=headers_for(client, "qiye"))  # the holder
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert names == {"certificate.pdf", "metadata.xml", "metadata.json", "manifest.json"}
    pdf = archive.read("certificate.pdf")
    assert pdf.startswith(b"%PDF-") and hashlib.sha256(pdf).hexdigest() == notice["sha256"]
    metadata = json.loads(archive.read("metadata.json"))
    assert metadata["certificateIdentifier"] == licence.identifier
    assert metadata["certificateNumber"] == notice["number"]
    assert metadata["certificateName"] == "受理通知书"
    assert metadata["certificateHolderName"] == "郑州绿源精密机械有限公司"
    assert metadata["certificateStatus"] == "有效"
    xml = ElementTree.fromstring(archive.read("metadata.xml"))
    assert {child.tag: child.text for child in xml} == metadata
    manifest = json.loads(archive.read("manifest.json"))
    (pdf_entry,) = [f for f in manifest["files"] if f["name"] == "certificate.pdf"]
    assert pdf_entry["sha256"] == notice["sha256"]
    # the same package again is the same bytes; the uploaded PDF verifies as that document
    assert client.get(url, headers=headers_for(client, "jiancha")).content == response.content
    verified = client.post(
        "/api/verify/pdf", files={"file": ("copy.pdf", pdf, "application/pdf")}
    ).json()
    assert verified["valid"] is True
    assert verified["document"]["licence"]["identifier"] == licence.identifier

    detail = client.get(f"/api/licences/{licence.identifier}", headers=headers_for(client, "qiye"))
    assert detail.status_code == 200 and detail.json()["identifier_problem"] == ""
    assert detail.json()["fields"] == licence.fields
    add_other_applicant(engine, "other", "Other-pass-2026")
    for outsider in (headers_for(client, "other"), {}):
        refused = client.get(url, headers=outsider)
        assert refused.status_code in (401, 404), refused.text
    assert client.get(url, headers=headers_for(client, "other")).status_code == 404
    assert OTHER_USCC not in response.content.decode("latin-1")
    unknown = f"/api/licences/{licence.identifier[:-1]}Z/package"
    assert client.get(unknown, headers=headers_for(client, "jiancha")).status_code == 404
    # the holder's case page links the package, and its sign-in opens it
    with Session(_engine(client)) as session:
        document = session.get(Document, notice["id"])
        assert document is not None
        case_id = document.application_id
    page_login(client, "qiye")
    page = client.get(f"/cases/{case_id}").text
    assert f'href="{url}"' in page and "电子证照包" in page
    assert client.get(url).content == response.content


def test_the_verify_page_shows_the_identifier_and_finds_it_when_entered(
    client: TestClient,
) -> None:
    notice = _accepted(client)
    licence = _licence_of(client, notice["id"])
    client.cookies.clear()  # anyone, no account
    by_code = client.get(f"/verify/{notice['verify_code']}")
    assert by_code.status_code == 200
    for page in (by_code.text, client.get(f"/verify?code={licence.identifier}").text):
        assert licence.identifier in page
        for label in ("电子证照标识", "颁发机构", "持证主体", "颁发日期", "证照状态"):
            assert label in page, label
        assert "郑州市生态环境局" in page and "郑州绿源精密机械有限公司" in page
        assert "<dd>有效</dd>" in page
        main = page[page.index("<main") : page.index("</main>")]
        visible = re.sub(r"<[^>]+>", " ", main)
        assert not re.search(r"certificate|licen[cs]e|found|inferred|GB/T", visible, re.I)
    missing = client.get("/verify/1.2.156.3005.2.X")
    assert missing.status_code == 404 and "证照标识不存在" in missing.text
    with Session(_engine(client)) as session:
        document = session.get(Document, notice["id"])
        assert document is not None and document.verify_code == notice["verify_code"]
