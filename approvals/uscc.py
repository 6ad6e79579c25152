"""统一社会信用代码 (unified social credit code) validation per GB 32100-2015."""

from __future__ import annotations

import re

from approvals.errors import InvalidInput

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (GB 32100-2015 §4.3, modulo 31)."""
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def normalise_uscc(raw: str) -> str:
    """Upper-case, strip, and validate a code; raise ``InvalidInput`` saying what is wrong."""
    code = raw.strip().upper()
    if len(code) != 18:
        raise InvalidInput(
            f"统一社会信用代码应为18位，实际为{len(code)}位",
            f"a unified social credit code has 18 characters, got {len(code)}",
        )
    if not _SHAPE.match(code):
        raise InvalidInput(
            "统一社会信用代码含有不允许的字符（不使用I、O、S、V、Z；第3-8位为行政区划码数字）",
            "the code has characters outside GB 32100-2015 (no I, O, S, V, Z; "
            "positions 3-8 are the digits of an administrative division code)",
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise InvalidInput(
            f"统一社会信用代码校验位错误：应为{expected}",
            f"the check character is wrong: expected {expected}",
        )
    return code
