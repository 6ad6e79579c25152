"""The 靠前服务 rules as data (``rules.yaml``), each with its evidence marker and sources."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from approvals.catalogue.schema import DayUnit, Evidence
from core.yamlfile import load_yaml
from models import Role

RULES_FILE = Path(__file__).with_name("rules.yaml")


class _Sourced(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    evidence: Evidence
    sources: tuple[str, ...] = Field(min_length=1)


class Assigners(_Sourced):
    roles: frozenset[Role]
    officers: frozenset[Role]


class Reminder(_Sourced):
    working_days_before: int = Field(ge=1, le=5)


class Target(_Sourced):
    days: int = Field(ge=1, le=60)
    unit: DayUnit


class Series(_Sourced):
    series: str = Field(min_length=2, max_length=20)


class ConsultationRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    service: _Sourced
    assigners: Assigners
    reminder: Reminder
    target: Target
    categories: _Sourced
    fast_track: _Sourced
    document_series: Series

    def sourced(self) -> list[tuple[str, _Sourced]]:
        """(label, rule) for the staff view of where each rule comes from."""
        return [
            ("项目前期靠前服务、提前介入", self.service),
            ("由科室负责人分派承办人员", self.assigners),
            (f"预约时及会商前{self.reminder.working_days_before}个工作日邮件提醒", self.reminder),
            (f"自登记起{self.target.days}个工作日内出具指导意见", self.target),
            ("环评类别按分类管理名录确定", self.categories),
            ("告知承诺制适用判断", self.fast_track),
            (f"指导意见发文代字“{self.document_series.series}”", self.document_series),
        ]


@lru_cache(maxsize=1)
def load_rules(path: Path = RULES_FILE) -> ConsultationRules:
    return ConsultationRules.model_validate(load_yaml(path.read_text(encoding="utf-8")))
