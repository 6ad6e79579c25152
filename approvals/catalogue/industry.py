"""GB/T 4754-2017 national economy industry codes (国民经济行业分类).

The reference table (``approvals/reference/industry_codes.yaml``) holds the 20 门类 (sections
A-T), all 97 大类 (divisions 01-97) and the 中类 (groups) the commitment scope names. It is an
inferred transcription: see the file's ``meta``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

from approvals.errors import InvalidInput
from core.yamlfile import load_yaml

REFERENCE_FILE = Path(__file__).resolve().parents[1] / "reference" / "industry_codes.yaml"
_CODE = re.compile(r"([A-Za-z])?([0-9]{2,4})")  # ASCII only: \d would take full-width digits


@dataclass(frozen=True)
class IndustryClass:
    """A validated industry code and the names of the levels it belongs to."""

    code: str  # digits only: 2 (大类), 3 (中类) or 4 (小类), e.g. "3670"
    division_code: str  # 大类, e.g. "36"
    division_name: str  # e.g. "汽车制造业"
    section: str  # 门类 letter, e.g. "C"
    section_name: str  # e.g. "制造业"
    group_name: str | None = None  # 中类 name, when the reference table lists it

    @property
    def section_label(self) -> str:
        """门类 letter and name, e.g. "C 制造业"."""
        return f"{self.section} {self.section_name}"


@dataclass(frozen=True)
class IndustryReference:
    sections: Mapping[str, str]  # letter -> 门类 name
    divisions: Mapping[str, tuple[str, str]]  # 2-digit code -> (大类 name, section letter)
    groups: Mapping[str, str]  # 3-digit code -> 中类 name


@cache
def industry_reference(path: Path = REFERENCE_FILE) -> IndustryReference:
    """The reference table, read once and checked for shape (97 divisions, known prefixes)."""
    data = load_yaml(path.read_text(encoding="utf-8"))
    sections: dict[str, str] = {}
    divisions: dict[str, tuple[str, str]] = {}
    for section in data["sections"]:
        sections[section["letter"]] = section["name"]
        for code, name in section["divisions"].items():
            if code in divisions or not re.fullmatch(r"[0-9]{2}", code):
                raise ValueError(f"{path.name}: bad or duplicate 大类 code {code!r}")
            divisions[code] = (name, section["letter"])
    groups = {str(code): name for code, name in data.get("groups", {}).items()}
    stray = [code for code in groups if len(code) != 3 or code[:2] not in divisions]
    if len(divisions) != 97 or stray:
        raise ValueError(f"{path.name}: {len(divisions)} 大类 (expected 97); bad 中类 {stray}")
    return IndustryReference(
        MappingProxyType(sections), MappingProxyType(divisions), MappingProxyType(groups)
    )


def validate_industry_code(code: str) -> IndustryClass:
    """Check a 2-, 3- or 4-digit code, optionally prefixed by its 门类 letter ("C3670").

    The 2-digit 大类 must exist and a given letter must be its 门类; deeper levels are not
    checked beyond that (the table lists only the 中类 the commitment scope needs).
    Raises ``InvalidInput`` otherwise.
    """
    text = code.strip() if isinstance(code, str) else ""
    match = _CODE.fullmatch(text)
    if match is None:
        raise InvalidInput(
            f"行业代码“{code}”格式不正确：应为2至4位数字，可带门类字母前缀（如C3670）",
            f"industry code {code!r} must be 2-4 digits, optionally prefixed by the section "
            "letter (e.g. C3670)",
        )
    letter, digits = (match.group(1) or "").upper(), match.group(2)
    reference = industry_reference()
    division = reference.divisions.get(digits[:2])
    if division is None:
        raise InvalidInput(
            f"行业代码“{code}”无效：国民经济行业分类中没有大类“{digits[:2]}”",
            f"industry code {code!r}: GB/T 4754-2017 has no division {digits[:2]!r}",
        )
    division_name, section = division
    if letter and letter != section:
        raise InvalidInput(
            f"行业代码“{code}”无效：大类“{digits[:2]}”属于门类{section}，不属于门类{letter}",
            f"industry code {code!r}: division {digits[:2]} is in section {section}, not {letter}",
        )
    return IndustryClass(
        code=digits,
        division_code=digits[:2],
        division_name=division_name,
        section=section,
        section_name=reference.sections[section],
        group_name=reference.groups.get(digits[:3]) if len(digits) >= 3 else None,
    )
