"""Which items ask for a project code, declared preparers and a national report (items.yaml)."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel

from core.yamlfile import load_yaml

ITEMS_FILE = Path(__file__).with_name("items.yaml")


class CodeRule(StrEnum):
    REQUIRED = "required"
    OPTIONAL = "optional"


class ExchangeSpec(BaseModel):
    project_code: CodeRule
    preparers: bool
    report: str | None  # 报告书 / 报告表 / by_material / None


@lru_cache(maxsize=1)
def exchange_specs() -> dict[str, ExchangeSpec]:
    data = load_yaml(ITEMS_FILE.read_text(encoding="utf-8"))
    return {code: ExchangeSpec.model_validate(spec) for code, spec in data["items"].items()}


def spec_of(item_code: str) -> ExchangeSpec | None:
    return exchange_specs().get(item_code)
