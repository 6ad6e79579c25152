"""投资项目代码: the structure GB/T 40058-2021 publishes (widths inferred, check character not
verified: its algorithm is not public), and the region against the bureau's area."""

from __future__ import annotations

from datetime import date

import pytest

from approvals.catalogue import load_catalogue
from approvals.errors import InvalidInput
from approvals.exchange.project_code import SOURCES, parse_project_code
from approvals.exchange.requirements import exchange_specs

TODAY = date(2026, 11, 20)


def test_a_well_formed_code_is_split_into_its_parts() -> None:
    code = parse_project_code(" 2021－410122－04－03－123456 ", TODAY)  # full-width dashes too
    assert code.text == "2021-410122-04-03-123456"
    assert (code.year, code.region, code.department, code.project_type, code.serial) == (
        2021, "410122", "04", "03", "123456",
    )  # fmt: skip
    assert code.type_label == "备案"


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("2021-410100-04-01-12345", "格式不正确"),  # the 2017 five-digit serial
        ("2021410100040112345600", "格式不正确"),
        ("2021-410100-04-01-12345A", "格式不正确"),
        ("2013-410100-04-01-123456", "赋码年份"),
        ("2027-410100-04-01-123456", "赋码年份"),
        ("2021-990100-04-01-123456", "行政区划代码"),
        ("2021-410100-00-01-123456", "不能为00"),
        ("2021-410100-04-00-123456", "不能为00"),
    ],
)
def test_a_malformed_code_is_refused_saying_what_is_wrong(raw: str, problem: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_project_code(raw, TODAY)
    assert problem in refused.value.message_zh


def test_the_region_is_checked_against_the_bureaus_area() -> None:
    inside = parse_project_code("2021-410122-04-01-123456", TODAY)
    city = parse_project_code("2021-410100-04-01-123456", TODAY)
    elsewhere = parse_project_code("2021-410300-04-01-123456", TODAY)
    assert inside.within("410100") and city.within("410100")
    assert not elsewhere.within("410100")
    assert inside.within("410000") and elsewhere.within("410000")  # a provincial bureau
    assert inside.within("410122") and not city.within("410122")  # a county bureau


def test_what_was_found_and_what_was_inferred_is_recorded() -> None:
    assert SOURCES["structure"][0] == "found"
    assert SOURCES["check_character"][0] == "inferred"


def test_every_item_named_for_the_exchange_exists_and_is_an_eia_item() -> None:
    catalogue = load_catalogue()
    codes = {item.code for item in catalogue.items}
    for code, spec in exchange_specs().items():
        assert code in codes
        assert "环境影响" in catalogue.get(code).name_zh
        assert spec.report in (None, "报告书", "报告表", "by_material")
