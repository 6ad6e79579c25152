"""The 万人助万企 rules as data (``rules.yaml``), each with its evidence marker and sources."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from approvals.catalogue.schema import DayUnit, Evidence
from core.yamlfile import load_yaml

RULES_FILE = Path(__file__).with_name("rules.yaml")


class _Sourced(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    evidence: Evidence
    sources: tuple[str, ...] = Field(min_length=1)


class Category(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    days: int | None = Field(default=None, ge=1, le=60)


class Categories(_Sourced):
    values: dict[str, Category] = Field(min_length=1)


class DefaultDays(_Sourced):
    days: int = Field(ge=1, le=60)
    unit: DayUnit


class Units(_Sourced):
    values: tuple[str, ...] = Field(min_length=1)


class LiaisonRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    categories: Categories
    default_days: DefaultDays
    units: Units
    escalation: _Sourced
    confirmation: _Sourced
    helpers: _Sourced

    def days_of(self, category: str) -> int:
        known = self.categories.values.get(category)
        return known.days if known and known.days else self.default_days.days

    def label_of(self, category: str) -> str:
        known = self.categories.values.get(category)
        return known.label if known else category

    def sourced(self) -> list[tuple[str, _Sourced]]:
        """(label, rule) for the staff view of where each rule comes from."""
        return [
            ("问题分类及各类办理时限", self.categories),
            (f"未列时限的问题{self.default_days.days}个工作日内办结", self.default_days),
            ("责任单位", self.units),
            ("逾期督办（告知包联干部所在科室负责人）", self.escalation),
            ("企业确认后销号，不满意可重新办理", self.confirmation),
            ("帮办代办的授权范围与期限", self.helpers),
        ]


@lru_cache(maxsize=1)
def load_rules(path: Path = RULES_FILE) -> LiaisonRules:
    return LiaisonRules.model_validate(load_yaml(path.read_text(encoding="utf-8")))
