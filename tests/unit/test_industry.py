"""GB/T 4754-2017 industry codes: 2/3/4 digits, optional 门类 letter, 大类 must exist."""

from __future__ import annotations

import pytest

from approvals.catalogue.industry import industry_reference, validate_industry_code
from approvals.errors import InvalidInput

# The 中类 named by shared/domain/commitment_types.yaml gb_codes.
# fmt: off
COMMITMENT_GROUPS = [
    "142", "143", "144", "145", "149", "181", "182", "183", "241", "242", "243", "244", "245",
    "246", "342", "344", "345", "348", "356", "358", "359", "366", "367", "374", "376", "377",
    "378", "381", "382", "383", "385", "387", "391", "392", "393", "395", "396", "399", "401",
    "402",
]
# fmt: on


def test_reference_has_20_sections_and_97_divisions() -> None:
    reference = industry_reference()
    assert list(reference.sections) == [chr(c) for c in range(ord("A"), ord("T") + 1)]
    assert list(reference.divisions) == [f"{n:02d}" for n in range(1, 98)]


def test_reference_lists_every_commitment_group() -> None:
    assert set(industry_reference().groups) == set(COMMITMENT_GROUPS)


@pytest.mark.parametrize(
    ("given", "code", "division", "section"),
    [
        ("36", "36", "汽车制造业", "C 制造业"),
        ("367", "367", "汽车制造业", "C 制造业"),
        ("3670", "3670", "汽车制造业", "C 制造业"),
        ("C3670", "3670", "汽车制造业", "C 制造业"),
        ("c367", "367", "汽车制造业", "C 制造业"),
        (" 3670 ", "3670", "汽车制造业", "C 制造业"),
        ("01", "01", "农业", "A 农、林、牧、渔业"),
        ("A0111", "0111", "农业", "A 农、林、牧、渔业"),
        ("7723", "7723", "生态保护和环境治理业", "N 水利、环境和公共设施管理业"),
        ("T97", "97", "国际组织", "T 国际组织"),
    ],
)
def test_valid_codes_are_normalised_to_digits(
    given: str, code: str, division: str, section: str
) -> None:
    industry = validate_industry_code(given)
    assert (industry.code, industry.division_name, industry.section_label) == (
        code,
        division,
        section,
    )
    assert industry.division_code == code[:2]


def test_a_listed_group_carries_its_name() -> None:
    assert validate_industry_code("C3670").group_name == "汽车零部件及配件制造"
    assert validate_industry_code("3610").group_name is None  # 大类 exists, 中类 not tabled
    assert validate_industry_code("36").group_name is None


@pytest.mark.parametrize(
    "given",
    [
        "99",
        "98",
        "00",
        "9901",
        "A3670",
        "",
        "   ",
        "C",
        "3",
        "36701",
        "abc",
        "36-70",
        "３６",
        "CC36",
    ],
)
def test_invalid_codes_raise_invalid_input_in_both_languages(given: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_industry_code(given)
    assert caught.value.message_zh and caught.value.message_en


def test_unknown_division_names_the_division() -> None:
    with pytest.raises(InvalidInput, match="'99'"):
        validate_industry_code("99")
