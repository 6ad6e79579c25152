"""The 容缺受理 rules as data (``rules.yaml``), validated once against the catalogue."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from approvals.catalogue import Catalogue
from approvals.catalogue.schema import Evidence
from core.yamlfile import load_yaml

RULES_FILE = Path(__file__).with_name("rules.yaml")


class OverdueRule(StrEnum):
    SUSPEND = "suspend"  # stop the clock until they arrive; return after return_after_days
    RETURN = "return"  # return the case at once (退件)


OVERDUE_LABELS: dict[OverdueRule, str] = {
    OverdueRule.SUSPEND: (
        "逾期未补齐的，暂停办理（停止计时），并告知申请人；暂停后仍未补齐的，作退件处理"
    ),
    OverdueRule.RETURN: "逾期未补齐的，终止办理，作退件处理",
}


class _Sourced(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    evidence: Evidence
    sources: tuple[str, ...] = Field(min_length=1)


class BadCreditRule(_Sourced):
    refuse: bool


class General(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    supply_limit: _Sourced
    bad_credit: BadCreditRule
    signing: _Sourced


class OverdueSpec(_Sourced):
    return_after_days: int | None = Field(default=None, ge=1, le=60)


class ItemRule(_Sourced):
    materials: tuple[str, ...] = Field(min_length=1)
    overdue: OverdueRule


class ToleranceRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    general: General
    overdue_rules: dict[OverdueRule, OverdueSpec]
    items: dict[str, ItemRule]

    def for_item(self, item_code: str) -> ItemRule | None:
        return self.items.get(item_code)

    def problems(self, catalogue: Catalogue) -> list[str]:
        """Every item or material the rules name that the catalogue does not have."""
        found: list[str] = []
        for code, rule in self.items.items():
            if code not in catalogue:
                found.append(f"{code}: not in the catalogue")
                continue
            names = {m.code for m in catalogue.get(code).materials}
            found += [f"{code}: no material {m}" for m in rule.materials if m not in names]
        found += [f"no overdue rule {r}" for r in OverdueRule if r not in self.overdue_rules]
        return found


@lru_cache(maxsize=1)
def load_rules(path: Path = RULES_FILE) -> ToleranceRules:
    return ToleranceRules.model_validate(load_yaml(path.read_text(encoding="utf-8")))
