"""统一社会信用代码: shape and the GB 32100-2015 check character (modulo 31)."""

from __future__ import annotations

import pytest

from approvals.errors import InvalidInput
from approvals.seed import demo_uscc
from approvals.uscc import CHARSET, check_character, normalise_uscc

KNOWN_VALID = "91350100M000100Y43"


@pytest.mark.parametrize("code", [KNOWN_VALID, demo_uscc()])
def test_known_valid_codes_pass_unchanged(code: str) -> None:
    assert normalise_uscc(code) == code


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # Σ(value × weight) = 1640; 1640 mod 31 = 28; (31 - 28) mod 31 = 3 → "3"
        ("91350100M000100Y4", "3"),
        # the demo body: Σ = 2409; 2409 mod 31 = 22; 31 - 22 = 9 → "9"
        ("91410100MA9FXXK20", "9"),
        # Σ = 1612 = 52 × 31, so (31 - 0) mod 31 = 0 → "0" (the wrap-around case)
        ("91350100M000100Y3", "0"),
    ],
)
def test_check_character_matches_the_hand_computed_value(body: str, expected: str) -> None:
    assert check_character(body) == expected
    assert normalise_uscc(body + expected) == body + expected


def test_a_wrong_check_character_names_the_expected_one() -> None:
    with pytest.raises(InvalidInput) as raised:
        normalise_uscc(KNOWN_VALID[:17] + "4")
    assert "应为3" in raised.value.message_zh
    assert raised.value.message_en.endswith("expected 3")


@pytest.mark.parametrize("replacement", [c for c in CHARSET if c != "3"])
def test_every_other_check_character_is_refused(replacement: str) -> None:
    with pytest.raises(InvalidInput, match="check character"):
        normalise_uscc(KNOWN_VALID[:17] + replacement)


@pytest.mark.parametrize("code", [KNOWN_VALID[:17], KNOWN_VALID + "0", ""])
def test_a_code_of_the_wrong_length_says_how_long_it_is(code: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        normalise_uscc(code)
    assert f"实际为{len(code)}位" in raised.value.message_zh
    assert raised.value.message_en.endswith(f"got {len(code)}")


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_letters_outside_the_31_character_set_are_refused(letter: str) -> None:
    # Position 9 (the organisation code) holds "M" in the valid code; swap in a forbidden letter.
    code = KNOWN_VALID[:8] + letter + KNOWN_VALID[9:]
    with pytest.raises(InvalidInput, match="outside GB 32100-2015"):
        normalise_uscc(code)


def test_positions_three_to_eight_must_be_the_digits_of_a_division_code() -> None:
    code = KNOWN_VALID[:2] + "A" + KNOWN_VALID[3:]
    with pytest.raises(InvalidInput, match="administrative division"):
        normalise_uscc(code)


def test_lowercase_and_surrounding_spaces_are_normalised() -> None:
    assert normalise_uscc(f"  {KNOWN_VALID.lower()}\t") == KNOWN_VALID


def test_the_charset_has_31_characters_and_none_of_i_o_s_v_z() -> None:
    assert len(CHARSET) == len(set(CHARSET)) == 31
    assert not set("IOSVZ") & set(CHARSET)
