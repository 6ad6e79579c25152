"""The 好差评 rules as data (``rules.yaml``), each with its evidence marker and sources."""

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


class Levels(_Sourced):
    values: dict[int, str]
    bad_at_most: int = Field(ge=1, le=4)


class Reasons(_Sourced):
    values: tuple[str, ...] = Field(min_length=1)


class Rectify(_Sourced):
    days: int = Field(ge=1, le=60)
    unit: DayUnit


class RatingRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    levels: Levels
    reasons: Reasons
    rectify: Rectify
    reply: _Sourced
    appeal: _Sourced
    events: _Sourced

    def is_bad(self, level: int) -> bool:
        return level <= self.levels.bad_at_most

    def sourced(self) -> list[tuple[str, _Sourced]]:
        """(label, rule) for the staff view of where each rule comes from."""
        return [
            ("五级评价及差评的判定", self.levels),
            ("差评原因分类", self.reasons),
            (f"差评{self.rectify.days}个工作日内回访核实、整改、反馈", self.rectify),
            ("企业可追评一次", self.reply),
            ("差评申诉复核", self.appeal),
            ("评价的服务环节", self.events),
        ]


@lru_cache(maxsize=1)
def load_rules(path: Path = RULES_FILE) -> RatingRules:
    return RatingRules.model_validate(load_yaml(path.read_text(encoding="utf-8")))
