"""One of every document kind for every item group, produced through the real services
(PostgreSQL, the SeaweedFS S3 server, the aiosmtpd SMTP server; flows in-process), read back
from storage as PDF: the statute each group cites, the 复议 body, §45 as the law lists it, who is
copied, the experts' opinion without the bureau's 版头; and the GB/T 9704 layout read from the
PDF geometry (title lines end at natural points, the QR code outside the seal, the 版记 at the
foot of the last page, on a page with the signature)."""

from __future__ import annotations

import io
import os
import re
import subprocess
from collections.abc import Iterator
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from approvals.catalogue import lawbook, load_catalogue
from approvals.clock import SHANGHAI
from documents.render import title_break_cost, title_lines
from flows import deadlines
from flows.runtime import Runtime
from models import DocumentKind, Expert, User
from tests.helpers import PROJECT, minimal_pdf, required_materials, sign_in
from tests.notice_time import agree_and_end_pre_approval, end_notices_of_app
from tests.real_stack import real_stack

pytestmark = pytest.mark.integration
CATALOGUE = load_catalogue()
MM = 72 / 25.4  # PDF points per millimetre
CITY = "郑州市人民政府"
INSIDE_PARK = {"park_name": "郑州经济技术开发区", "longitude": 113.80, "latitude": 34.68}
SECTION_45 = lawbook.SECTION_45_TEXT
# One item per group, approved and denied (EIA-05 filed as a 报告表: no 公众参与说明).
GROUP_ITEMS = {
    "eia_approval": "EIA-05",
    "eia_re_review": "EIA-06",
    "plan_review": "EIA-10",
    "pollutant_discharge": "PW-01",
    "hazardous_waste": "HW-01",
    "radiation": "RD-01",
    "e_waste": "OT-01",
    "river_outfall": "WT-01",
    "night_construction": "OT-03",
    "soil_report_review": "OT-04",
    "pollution_grading": "OT-07",
}
DESCRIPTIONS = {
    "RD-01": "使用Ⅲ类射线装置\n销售Ⅱ类射线装置",
    "HW-01": "经营方式：收集、贮存、处置\n危险废物类别：HW08废矿物油与含矿物油废物\n"
    "年经营规模：2万吨",
    "PW-01": "主要污染物：颗粒物、二氧化硫、氮氧化物",
}
LICENSING = {k for k, f in lawbook.forms().items() if f.licensing and k != "eia_approval"}
DENY = {
    "outcome": "deny",
    "reasons": "申请材料所述设施与现场情况不符，不具备法定条件",
    "legal_grounds": "《建设项目环境保护管理条例》第十一条第（一）项",  # ignored outside EIA
}


# ------------------------------------------------------------------ the stack


@pytest.fixture(scope="module")
def stack(
    postgres_engine: Engine,
    s3_server: Any,
    smtp_server: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, Any]]:
    with real_stack(
        postgres_engine,
        s3_server,
        smtp_server,
        var_dir=tmp_path_factory.mktemp("documents-law"),
        bucket="eia-law",
        catalogue=CATALOGUE,
    ) as (client, store, runtime):
        yield {"client": client, "store": store, "headers": {}, "runtime": runtime}


def _h(stack: dict[str, Any], user: str) -> dict[str, str]:
    if user not in stack["headers"]:
        stack["headers"][user] = sign_in(stack["client"], user)
    return stack["headers"][user]  # type: ignore[no-any-return]


def _post(stack: dict[str, Any], path: str, user: str, body: Any = None, status: int = 200) -> Any:
    response = stack["client"].post(path, json=body or {}, headers=_h(stack, user))
    assert response.status_code == status, f"{path}: {response.text}"
    return response.json()


def _submitted(stack: dict[str, Any], code: str, *, skip: tuple[str, ...] = ()) -> int:
    client: TestClient = stack["client"]
    item = CATALOGUE.get(code)
    body = PROJECT | {
        "item_code": code,
        "project_name": PROJECT["project_name"],
        "description": DESCRIPTIONS.get(code, f"关于“{item.name_zh}”的申请内容"),
    }
    case_id: int = _post(stack, "/api/applications", "qiye", body, 201)["id"]
    for material in required_materials(client, code):
        if material in skip:
            continue
        uploaded = client.put(
            f"/api/applications/{case_id}/materials/{material}",
            files={"file": (f"{material}.pdf", minimal_pdf(material), "application/pdf")},
            headers=_h(stack, "qiye"),
        )
        assert uploaded.status_code == 200, uploaded.text
    _post(stack, f"/api/applications/{case_id}/submit", "qiye")
    return case_id


def _decide(stack: dict[str, Any], case_id: int, decision: dict[str, Any]) -> None:
    _post(stack, f"/api/applications/{case_id}/accept", "shouli")
    end_notices_of_app(stack["client"].app, case_id)
    _post(stack, f"/api/applications/{case_id}/decision", "chengban", decision)
    _post(stack, f"/api/applications/{case_id}/review/approve", "kezhang")
    agree_and_end_pre_approval(stack["client"], case_id)
    _post(stack, f"/api/applications/{case_id}/sign", "lingdao")


def _documents(stack: dict[str, Any], case_id: int) -> dict[str, bytes]:
    detail = stack["client"].get(f"/api/applications/{case_id}", headers=_h(stack, "qiye"))
    pdfs = {}
    for document in detail.json()["documents"]:
        assert document["state"] in ("issued", "revoked"), document  # revoked: still served
        pdfs[document["kind"]] = stack["store"].get(document["object_key"])
        pdfs[f"{document['kind']}:number"] = document["number"].encode()
    return pdfs


@pytest.fixture(scope="module")
def produced(stack: dict[str, Any]) -> dict[str, dict[str, bytes]]:
    """Every group's approval and denial with their notices and certificates, and the other
    document kinds once: correction, refusal, special procedure, filing, reply, experts'."""
    out: dict[str, dict[str, bytes]] = {}
    approve = {"outcome": "approve", "conditions": ["落实各项管理要求。"]}
    for group, code in GROUP_ITEMS.items():
        skip = ("public_participation",) if code == "EIA-05" else ()
        approved = _submitted(stack, code, skip=skip)
        _decide(stack, approved, approve)
        out[f"{group}:approve"] = _documents(stack, approved)
        denied = _submitted(stack, code, skip=skip)
        _decide(stack, denied, DENY)
        out[f"{group}:deny"] = _documents(stack, denied)
    corrected = _submitted(stack, "PW-02")
    _post(
        stack,
        f"/api/applications/{corrected}/correction",
        "shouli",
        {"missing": [{"name": "自行监测方案(盖章)", "reason": "未盖章"}]},
    )
    out["correction"] = _documents(stack, corrected)
    refused = _submitted(stack, "EIA-02")
    _post(
        stack,
        f"/api/applications/{refused}/refuse",
        "shouli",
        {"reasons": "该项目不属于本机关审批权限。", "redirect_to": "河南省生态环境厅"},
    )
    out["refusal"] = _documents(stack, refused)
    paused = _submitted(stack, "EIA-01")
    _post(stack, f"/api/applications/{paused}/accept", "shouli")
    _post(
        stack,
        f"/api/applications/{paused}/clock/pause",
        "chengban",
        {"reason": "专家评审", "max_days": 20},
        201,
    )
    out["special"] = _documents(stack, paused)
    filed = _submitted(stack, "EIA-08")
    out["filing"] = _documents(stack, filed)
    asked = _submitted(stack, "PS-01")
    _post(stack, f"/api/applications/{asked}/accept", "shouli")
    _post(stack, f"/api/applications/{asked}/answer", "chengban", {"answer": "已公开。"})
    out["reply"] = _documents(stack, asked)
    out["expert"] = _documents(stack, _joint_review(stack))
    out["commitment"], out["converted"] = _fast_track(stack)  # last: it moves the clock on
    if folder := os.environ.get("EIA_TEST_PDF_DIR"):  # to look at them: pdftoppm -png …
        for case, pdfs in out.items():
            for kind, pdf in pdfs.items():
                if pdf.startswith(b"%PDF"):
                    Path(folder, f"{case.replace(':', '-')}-{kind}.pdf").write_bytes(pdf)
    return out


def _fast_track(stack: dict[str, Any]) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """EIA-07: a decision on the commitment, revoked after the post-check; and a project outside
    the parks converted to the standard review."""
    client: TestClient = stack["client"]
    cases = []
    for facts in (INSIDE_PARK, {"document_type": "report_book", "park_name": None}):
        body = PROJECT | {"item_code": "EIA-07", "industry_code": "3670"}
        case_id = _post(stack, "/api/applications", "qiye", body, 201)["id"]
        for code in required_materials(client, "EIA-07"):
            client.put(
                f"/api/applications/{case_id}/materials/{code}",
                headers=_h(stack, "qiye"),
                files={"file": (f"{code}.pdf", minimal_pdf(code), "application/pdf")},
            )
        put = client.put(
            f"/api/applications/{case_id}/commitment/facts", json=facts, headers=_h(stack, "qiye")
        )
        assert put.status_code == 200, put.text
        cases.append(case_id)
    fast, converted = cases
    sha = _post(stack, f"/api/applications/{fast}/commitment/letter", "qiye")["sha256"]
    _post(stack, f"/api/applications/{fast}/commitment/accept", "qiye", {"sha256": sha})
    _post(stack, f"/api/applications/{fast}/submit", "qiye")
    _post(stack, f"/api/applications/{fast}/accept", "shouli")
    _post(stack, f"/api/applications/{fast}/sign", "lingdao")
    runtime: Runtime = stack["runtime"]
    runtime.clock.set(datetime(2026, 12, 14, 9, 0, tzinfo=SHANGHAI))  # type: ignore[attr-defined]
    deadlines.assign_post_checks(runtime)
    _post(
        stack,
        f"/api/applications/{fast}/post-check",
        "chengban",
        {"outcome": "not_conforming", "findings": ["实际建有电镀生产线，与承诺不符"]},
    )
    _post(stack, f"/api/applications/{converted}/submit", "qiye")
    return _documents(stack, fast), _documents(stack, converted)


def _joint_review(stack: dict[str, Any]) -> int:
    engine = stack["client"].app.state.services.engine
    with Session(engine) as session:
        usernames = dict(
            session.exec(
                select(Expert.id, User.username).join(User, col(User.id) == col(Expert.user_id))
            ).all()
        )
    case_id = _submitted(stack, "EIA-01")
    _post(stack, f"/api/applications/{case_id}/accept", "shouli")
    started = _post(
        stack,
        f"/api/applications/{case_id}/joint-review",
        "chengban",
        {
            "needed": ["air", "water"],
            "seed": 424242,
            "meeting_at": "2026-11-20T14:00:00+08:00",
            "video_link": "https://meeting.example/j/2026",
        },
        201,
    )
    for member in started["members"]:
        own = sign_in(stack["client"], usernames[member["expert_id"]])
        stack["client"].post(
            f"/api/applications/{case_id}/joint-review/opinion",
            headers=own,
            json={"conclusion": "pass", "opinion": "报告书编制规范，结论可信。"},
        )
    chair = next(m for m in started["members"] if m["chair"])
    closed = stack["client"].post(
        f"/api/applications/{case_id}/joint-review/close",
        headers=sign_in(stack["client"], usernames[chair["expert_id"]]),
    )
    assert closed.status_code == 200, closed.text
    return case_id


# ------------------------------------------------------------------ reading PDFs


def text_of(pdf: bytes) -> str:
    """The text without whitespace or page numbers (a sentence may run over a page)."""
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return re.sub(r"—\d+—", "", "".join(out.stdout.decode().split()))


class _Boxes(HTMLParser):
    """pdftotext -bbox-layout: pages, and per page its lines as (text, xMin, yMin, xMax, yMax)."""

    def __init__(self) -> None:
        super().__init__()
        self.pages: list[dict[str, Any]] = []
        self._line: list[Any] | None = None
        self._word: list[float] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: float(v) for k, v in attrs if v and re.fullmatch(r"[\d.]+", v)}
        if tag == "page":
            self.pages.append({"height": a["height"], "width": a["width"], "lines": []})
        elif tag == "line":
            self._line = ["", a["xmin"], a["ymin"], a["xmax"], a["ymax"]]
        elif tag == "word":
            self._word = [a["xmin"]]

    def handle_data(self, data: str) -> None:
        if self._word is not None and self._line is not None:
            self._line[0] += data.strip()

    def handle_endtag(self, tag: str) -> None:
        if tag == "word":
            self._word = None
        elif tag == "line" and self._line is not None:
            self.pages[-1]["lines"].append(tuple(self._line))
            self._line = None


def boxes(pdf: bytes) -> list[dict[str, Any]]:
    out = subprocess.run(
        ["pdftotext", "-bbox-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    parser = _Boxes()
    parser.feed(out.stdout.decode())
    return parser.pages


def title_of(pdf: bytes) -> str:
    return str(PdfReader(io.BytesIO(pdf)).metadata.title)


def check_title(pdf: bytes, label: str) -> None:
    """The title's lines on page 1 are the planned ones: each ends at an allowed point."""
    title = title_of(pdf)
    planned = title_lines(title)
    lines = [line[0] for line in boxes(pdf)[0]["lines"]]
    start = next(i for i, line in enumerate(lines) if title.startswith(line) and line)
    shown, joined = [], ""
    for line in lines[start:]:
        if joined == title:
            break
        shown.append(line)
        joined += line
    assert joined == title, (label, lines[start : start + 4], title)
    assert shown == planned, (label, shown, planned)
    costs = title_break_cost(title)
    position = 0
    for line in shown[:-1]:
        position += len(line)
        assert costs[position] is not None and costs[position] < 1000, (label, shown)


def check_sign_off(pdf: bytes, issuer: str, label: str) -> None:
    """QR block (核验码 text and the 20 mm code at its left) clear of the 42 mm seal centred on
    the signature; the 版记 (…印发) on the last page, at its foot, with the signature."""
    pages = boxes(pdf)
    last = pages[-1]
    lines = last["lines"]
    signer = [ln for ln in lines if ln[0] == issuer]
    verify = [ln for ln in lines if ln[0].startswith("核验码")]
    assert signer and verify, (label, [ln[0] for ln in lines])
    s, v = signer[-1], verify[-1]
    centre = (s[1] + s[3]) / 2
    seal = (centre - 21 * MM, s[2] - 9 * MM, centre + 21 * MM, s[2] + 33 * MM)
    qr = (28 * MM, v[2] - 4 * MM, v[3], v[2] + 22 * MM)  # the code sits left of its text
    overlap = not (qr[2] <= seal[0] or seal[2] <= qr[0] or qr[3] <= seal[1] or seal[3] <= qr[1])
    assert not overlap, (label, qr, seal)
    printed = [ln for ln in lines if ln[0].endswith("印发")]
    assert printed, (label, "no 版记 on the last page")
    assert printed[-1][4] > last["height"] - 45 * MM, (label, printed[-1], last["height"])
    assert all("印发" not in ln[0] for page in pages[:-1] for ln in page["lines"])


# ------------------------------------------------------------------ the law, per group


@pytest.mark.parametrize("group", list(GROUP_ITEMS))
def test_each_group_cites_its_own_statute_and_review_body(
    group: str, produced: dict[str, dict[str, bytes]]
) -> None:
    form = lawbook.forms()[group]
    for side_name in ("approve", "deny"):
        pdfs = produced[f"{group}:{side_name}"]
        kind = "approval" if side_name == "approve" else "denial"
        side = form.side(DocumentKind(kind))
        text = text_of(pdfs[kind])
        number = pdfs[f"{kind}:number"].decode()
        assert number in text
        assert form.statute in text, (group, kind)
        assert "".join(side.basis.split()) in text, (group, kind, side.basis)
        assert "河南省生态环境厅" not in text
        if side.appeal:
            assert f"向{CITY}申请行政复议" in text, (group, kind)
        else:
            assert "行政复议" not in text, (group, kind)
        if group in LICENSING:
            assert "报告书" not in text and "报告表" not in text, (group, kind)
            assert "《建设项目环境保护管理条例》" not in text, (group, kind)
            assert "按照《" not in text and "排污之前" not in text
        if not form.licensing:
            assert "行政许可决定书" not in text and "准予行政许可" not in text, (group, kind)
        # 抄送: the branch in its real form and the detachment; the consultancy on a 批复 only
        cc = text[text.index("抄送：") :] if "抄送：" in text else ""
        if "branch" in side.cc:
            assert re.search(r"郑州市生态环境局\w+分局", cc), (group, kind, cc)
        assert "生态环境分局" not in text
        assert (PROJECT["consultant"] in cc) == ("consultant" in side.cc), (group, kind)
        check_title(pdfs[kind], f"{group}:{kind}")
        check_sign_off(pdfs[kind], "郑州市生态环境局", f"{group}:{kind}")
        # the acceptance notice: §45 as listed, no 抄送
        notice = text_of(pdfs["acceptance_notice"])
        assert "抄送" not in notice and "公示期" not in notice
        stops = CATALOGUE.get(GROUP_ITEMS[group]).clock_stops
        cites_45 = any(lawbook.STOP_BASIS.get(stop) == lawbook.SECTION_45 for stop in stops)
        assert ("第四十五条" in notice) == cites_45, (
            group,
            stops,
        )  # exactly where a stop rests on it
        if cites_45:
            assert "".join(SECTION_45.split()) in notice
        check_sign_off(pdfs["acceptance_notice"], "郑州市生态环境局", f"{group}:acceptance")


def test_eia_05_filed_as_a_report_table_prints_the_table(
    produced: dict[str, dict[str, bytes]],
) -> None:
    for side_name, kind in (("approve", "approval"), ("deny", "denial")):
        text = text_of(produced[f"eia_approval:{side_name}"][kind])
        assert "环境影响报告表》" in text and "环境影响报告书" not in text
    approval = text_of(produced["eia_approval:approve"]["approval"])
    assert "《中华人民共和国环境影响评价法》第二十二条" in approval
    assert "三同时" in approval and approval.count("三同时") == 1
    denial = text_of(produced["eia_approval:deny"]["denial"])
    assert "《建设项目环境保护管理条例》第十一条第（一）项" in denial


def test_licence_certificates_name_the_holder_its_representative_and_scope(
    produced: dict[str, dict[str, bytes]],
) -> None:
    permit = text_of(produced["pollutant_discharge:approve"]["licence_certificate"])
    assert "排污许可证" in permit and "法定代表人：王建国" in permit and "住所：" in permit
    assert "许可排放浓度和许可排放量" in permit and "按照《" not in permit
    assert "排污之前" not in permit and "报告书" not in permit
    radiation = text_of(produced["radiation:approve"]["licence_certificate"])
    assert "种类和范围：使用Ⅲ类射线装置销售Ⅱ类射线装置" in radiation
    assert PROJECT["project_name"] not in radiation  # the scope is no project name
    waste = text_of(produced["hazardous_waste:approve"]["licence_certificate"])
    assert "HW08废矿物油" in waste and "年经营规模：2万吨" in waste
    denial = text_of(produced["hazardous_waste:deny"]["denial"])
    assert "《危险废物经营许可证管理办法》第五条、第六条" in denial
    assert "第十一条" not in denial and "不予批准" not in denial


def test_review_letters_are_no_licence_and_the_re_review_cites_the_ten_days_article(
    produced: dict[str, dict[str, bytes]],
) -> None:
    plan = text_of(produced["plan_review:approve"]["approval"])
    assert "审查意见" in plan and "行政许可" not in plan and "行政复议" not in plan
    review = text_of(produced["eia_re_review:approve"]["approval"])
    assert "《中华人民共和国环境影响评价法》第二十四条第二款" in review and "审核意见" in review
    night = text_of(produced["night_construction:approve"]["approval"])
    assert "《中华人民共和国噪声污染防治法》第四十三条" in night and "特此证明" in night


def test_notices_quote_section_45_and_the_items_own_intake_period(
    produced: dict[str, dict[str, bytes]],
) -> None:
    special = text_of(produced["special"]["special_procedure_notice"])
    assert "".join(SECTION_45.split()) in special and "抄送" not in special
    accepted = text_of(produced["special"]["acceptance_notice"])
    assert "".join(SECTION_45.split()) in accepted
    assert "依法需要专家评审、听证的" in accepted
    assert "《建设项目环境保护管理条例》第九条" in accepted  # 技术评估: not §45
    correction = text_of(produced["correction"]["correction_notice"])
    assert "《排污许可管理条例》第九条" in correction and "自行监测方案（盖章）" in correction
    assert "抄送" not in correction
    refusal = text_of(produced["refusal"]["refusal_notice"])
    assert f"向{CITY}申请行政复议" in refusal and "抄送" not in refusal
    for key, kind in (("filing", "filing_receipt"), ("reply", "reply_letter")):
        text = text_of(produced[key][kind])
        assert "抄送" not in text and PROJECT["consultant"] not in text, kind
        check_sign_off(produced[key][kind], "郑州市生态环境局", kind)
    for key, kind in (("correction", "correction_notice"), ("refusal", "refusal_notice")):
        check_title(produced[key][kind], kind)
        check_sign_off(produced[key][kind], "郑州市生态环境局", kind)


def test_the_experts_opinion_is_theirs_not_a_bureau_document(
    produced: dict[str, dict[str, bytes]],
) -> None:
    pdf = produced["expert"]["expert_opinion"]
    text = text_of(pdf)
    number = produced["expert"]["expert_opinion:number"].decode()
    assert number not in text and "〔" not in text  # no 文号
    assert "印发" not in text and "抄送" not in text  # no 版记
    assert "424242" not in text and "种子" not in text and "随机数" not in text
    assert "专家组组长（签字）" in text and "专家组成员（签字）" in text
    first = boxes(pdf)[0]["lines"]
    assert not first[0][0].startswith("郑州市生态环境局")  # no red 版头 on top
    check_title(pdf, "expert_opinion")


def test_the_fast_track_documents_state_each_duty_once_and_copy_only_where_due(
    produced: dict[str, dict[str, bytes]],
) -> None:
    decision = text_of(produced["commitment"]["commitment_decision"])
    assert decision.count("三同时") == 1 and decision.count("排污许可证") == 1
    assert PROJECT["consultant"] in decision[decision.index("抄送：") :]
    revocation = text_of(produced["commitment"]["revocation_decision"])
    assert f"向{CITY}申请行政复议" in revocation and "河南省生态环境厅" not in revocation
    assert PROJECT["consultant"] not in revocation[revocation.index("抄送：") :]
    conversion = text_of(produced["converted"]["conversion_notice"])
    assert "".join(SECTION_45.split()) in conversion and "公示" not in conversion
    assert "抄送" not in conversion
    for key, kind in (
        ("commitment", "commitment_decision"),
        ("commitment", "revocation_decision"),
        ("converted", "conversion_notice"),
    ):
        check_title(produced[key][kind], kind)
        check_sign_off(produced[key][kind], "郑州市生态环境局", kind)


def test_acceptance_lists_the_materials_by_name_with_full_width_brackets(
    produced: dict[str, dict[str, bytes]],
) -> None:
    notice = text_of(produced["pollutant_discharge:approve"]["acceptance_notice"])
    assert "排污许可证申请表（全国排污许可证管理信息平台填报）（application_form.pdf）" in notice
    assert "(" not in notice.split("已接收的申请材料")[1].split("办理时限")[0]
