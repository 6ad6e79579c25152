"""Which fields of the one application form an item requires (validated at the edge)."""

from __future__ import annotations

from approvals.catalogue import Item, ProcessKind
from approvals.catalogue.districts import validate_district
from approvals.catalogue.industry import validate_industry_code
from approvals.errors import InvalidInput
from models.schemas import ApplicationCreate

FIELD_LABELS = {
    "industry_code": "国民经济行业代码",
    "total_investment": "总投资",
    "consultant": "环评单位",
    "description": "申请内容",
}


def is_eia_approval(item: Item) -> bool:
    return item.process_kind is ProcessKind.STANDARD and item.group == "环评审批"


def required_fields(item: Item) -> list[str]:
    if is_eia_approval(item):
        return ["industry_code", "total_investment", "consultant"]
    if item.process_kind is ProcessKind.STANDARD:
        return ["industry_code"]
    if item.process_kind is ProcessKind.SERVICE:
        return ["description"]
    if item.process_kind is ProcessKind.COMMITMENT:  # eligibility is judged on the industry
        return ["industry_code"]
    return []


def check_form(item: Item, data: ApplicationCreate) -> str:
    """Raise ``InvalidInput`` naming every missing field at once; return the normalised
    industry code ("" when the item does not ask for one and none was given)."""
    validate_district(data.district)
    missing = [f for f in required_fields(item) if not getattr(data, f)]
    if missing:
        names = "、".join(FIELD_LABELS[f] for f in missing)
        raise InvalidInput(
            f"事项“{item.name_zh}”须填写：{names}",
            f"item {item.code} needs: {', '.join(missing)}",
            missing=missing,
        )
    return validate_industry_code(data.industry_code).code if data.industry_code else ""
