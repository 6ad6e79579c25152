"""The lawbook: every appliable decision item has exactly one form; forms say what they cite."""

from __future__ import annotations

import pytest

from approvals.catalogue import lawbook, load_catalogue
from approvals.catalogue.districts import BRANCHES, ZHENGZHOU_DISTRICTS, review_bodies
from models import DocumentKind

CATALOGUE = load_catalogue()


def test_every_item_that_decides_has_one_form_and_every_form_names_real_items() -> None:
    deciding = {i.code for i in CATALOGUE.appliable() if DocumentKind.APPROVAL in i.documents}
    covered = {code for form in lawbook.forms().values() for code in form.items}
    assert deciding == covered


@pytest.mark.parametrize("key", sorted(lawbook.forms()))
def test_a_form_prints_the_basis_it_declares_and_its_own_statute(key: str) -> None:
    form = lawbook.forms()[key]
    for side in (form.approve, form.deny):
        if side.template == "decision":
            assert side.basis in "".join(side.paragraphs), (key, side.label)
        assert form.statute.split("》")[0] in side.basis, (key, side.label)
        if not form.licensing:
            assert "行政许可" not in side.label + side.title + "".join(side.paragraphs)
    if form.key != "eia_approval":
        assert "《建设项目环境保护管理条例》" not in form.deny.basis


def test_section_45_is_quoted_as_the_law_lists_it() -> None:
    assert "听证、招标、拍卖、检验、检测、检疫、鉴定和专家评审" in lawbook.SECTION_45_TEXT
    stops = dict(lawbook.stops_by_basis(["专家评审", "技术评估", "听证", "补正", "公示期"]))
    assert stops[lawbook.SECTION_45] == ["专家评审", "听证"]
    assert stops["《建设项目环境保护管理条例》第九条"] == ["技术评估"]
    assert all("补正" not in v and "公示期" not in v for v in stops.values())


def test_intake_period_is_the_items_own_where_its_law_sets_one() -> None:
    days, unit, basis = lawbook.intake_period("PW-01")
    assert (days, unit.value) == (3, "calendar") and "《排污许可管理条例》第九条" in basis
    assert lawbook.intake_period("EIA-01")[0] == 5


def test_branches_have_the_real_form_and_the_review_body_is_the_city_government() -> None:
    assert set(BRANCHES) == set(ZHENGZHOU_DISTRICTS)
    assert all(b.startswith("郑州市生态环境局") and b.endswith("分局") for b in BRANCHES.values())
    assert BRANCHES["新郑市"] == "郑州市生态环境局新郑分局"
    assert review_bodies("郑州市生态环境局", "新郑市") == "郑州市人民政府"
    assert review_bodies("郑州市生态环境局新郑分局", "新郑市") == (
        "郑州市人民政府或者新郑市人民政府"
    )
    assert review_bodies("郑州市生态环境局金水分局", "金水区").endswith("郑州市金水区人民政府")


def test_immediate_filings_promise_no_multi_day_period() -> None:
    for code in ("EIA-09", "HW-09", "OT-05"):
        assert CATALOGUE.get(code).promised.days == 0, code


def test_a_discharge_permit_application_is_deemed_accepted_after_three_days() -> None:
    from datetime import date

    from approvals.casework.deadlines import intake_deadline
    from approvals.timekeeping.schedule import shared_calendar

    friday = date(2026, 11, 20)
    assert intake_deadline(shared_calendar(), friday, "PW-01") == date(2026, 11, 23)
    assert intake_deadline(shared_calendar(), friday, "EIA-01") == date(2026, 11, 27)


def test_an_officers_citation_refines_the_forms_basis_but_never_imports_another_law() -> None:
    from approvals.issuing.document_text import merge_grounds

    eia = lawbook.forms()["eia_approval"]
    fine = "《建设项目环境保护管理条例》第十一条第（二）项、第（五）项"
    assert merge_grounds(eia.deny.basis, eia.statute, fine).endswith(fine)
    waste = lawbook.forms()["hazardous_waste"]
    merged = merge_grounds(waste.deny.basis, waste.statute, fine)
    assert merged == waste.deny.basis and "建设项目" not in merged
