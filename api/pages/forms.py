"""Form fields to request schemas, with the problems said in Chinese."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, TypeVar, cast

from fastapi import UploadFile
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData
from starlette.datastructures import UploadFile as StarletteUpload

from api.routers.guide import ACTION_LABELS, LICENCE_LABELS
from approvals.casework.forms import is_eia_approval, required_fields
from approvals.casework.pauses import MAX_PAUSE_DAYS
from approvals.catalogue import Item, LicenceAction, ProcessKind
from approvals.errors import InvalidInput
from approvals.exchange.requirements import ExchangeSpec, spec_of
from models.schemas import MissingMaterial

Schema = TypeVar("Schema", bound=BaseModel)

FIELD_LABELS: dict[str, str] = {
    "project_name": "项目名称",
    "site": "建设地点",
    "district": "所在区域",
    "industry_code": "行业代码",
    "total_investment": "总投资",
    "env_investment": "环保投资",
    "consultant": "环评单位",
    "description": "申请内容",
    "licence_number": "许可证编号",
    "answer": "答复内容",
    "missing": "补正材料清单",
    "name": "材料名称",
    "reason": "补正原因",
    "reasons": "理由",
    "redirect_to": "告知去向",
    "outcome": "拟办结论",
    "conditions": "审批要求",
    "legal_grounds": "法律依据",
    "comment": "意见",
    "courier": "快递公司",
    "waybill": "运单号",
    "sent_on": "寄出日期",
    "max_days": "最长所需时间",
    "unit": "计时单位",
}
# Whole-number fields: every way of getting one wrong gets the one message saying the range.
WHOLE_NUMBER_FIELDS: dict[str, str] = {
    "max_days": f"最长所需时间应为1至{MAX_PAUSE_DAYS}之间的整数",
}
_WHOLE = {
    "int_parsing",
    "int_type",
    "int_from_float",
    "greater_than_equal",
    "less_than_equal",
    "missing",
}
_TOO_SHORT = {"missing", "string_too_short", "too_short"}
_NUMBER = {
    "decimal_parsing",
    "decimal_type",
    "greater_than_equal",
    "less_than_equal",
    "decimal_max_places",
    "decimal_max_digits",
}


def _problem(error: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    field = next((str(p) for p in reversed(error["loc"]) if isinstance(p, str)), "")
    label = labels.get(field) or FIELD_LABELS.get(field, field or "表单")
    kind = error["type"]
    if field in WHOLE_NUMBER_FIELDS and kind in _WHOLE:
        return WHOLE_NUMBER_FIELDS[field]
    if kind == "value_error":  # a schema's own rule: its message is "中文 / English"
        return str(error["msg"]).removeprefix("Value error, ").split(" / ")[0]
    if kind in _TOO_SHORT:
        return f"请填写{label}"
    if kind == "string_too_long":
        return f"{label}过长"
    if kind == "too_long":
        return f"{label}条目过多"
    if kind in _NUMBER:
        return f"{label}须为不小于0、最多两位小数的数字（万元）"
    if kind == "string_pattern_mismatch":
        return f"{label}格式不正确"
    if kind.startswith("date"):
        return f"{label}须为有效日期"
    if kind in ("enum", "literal_error"):
        return f"请选择{label}"
    return f"{label}填写不正确"


def problems_by_field(
    exc: ValidationError, labels: Mapping[str, str] | None = None, whole_form: str = ""
) -> dict[str, str]:
    """Each field's first problem in Chinese; a rule of the whole schema goes to ``whole_form``."""
    found: dict[str, str] = {}
    for error in exc.errors():
        field = next((str(p) for p in reversed(error["loc"]) if isinstance(p, str)), whole_form)
        found.setdefault(field, _problem(error, labels or {}))
    return found


def build(
    schema: type[Schema], data: Mapping[str, Any], labels: Mapping[str, str] | None = None
) -> Schema:
    """``schema`` from form values, or ``InvalidInput`` listing every problem in Chinese;
    ``labels`` names fields whose label differs on this form (``reason`` is not always 补正原因)."""
    try:
        return schema.model_validate(dict(data))
    except ValidationError as exc:
        problems = list(dict.fromkeys(_problem(e, labels or {}) for e in exc.errors()))
        raise InvalidInput(
            "；".join(problems), "the form does not validate", problems=problems
        ) from exc


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def lines(value: str) -> list[str]:
    """Non-empty, stripped lines of a textarea."""
    return [line.strip() for line in value.splitlines() if line.strip()]


_NAME_REASON = re.compile(r"\s*[：:]\s*")


def missing_materials(value: str) -> list[MissingMaterial]:
    """One missing material per line, "名称：原因" with the reason optional."""
    missing = []
    for line in lines(value):
        name, *reason = _NAME_REASON.split(line, maxsplit=1)
        missing.append(build(MissingMaterial, {"name": name, "reason": "".join(reason)}))
    return missing


def chosen_files(form: FormData, prefix: str) -> dict[str, UploadFile]:
    """The file inputs named ``prefix + code`` with a file chosen (an unchosen one has no name)."""
    files: dict[str, UploadFile] = {}
    for name, value in form.multi_items():
        if name.startswith(prefix) and isinstance(value, StarletteUpload) and value.filename:
            files[name.removeprefix(prefix)] = cast(UploadFile, value)
    return files


# The apply form's fields in page order; a blank optional one is left out so its default holds.
APPLY_FIELDS = (
    "project_name",
    "site",
    "district",
    "licence_number",
    "industry_code",
    "total_investment",
    "env_investment",
    "consultant",
    "description",
)
ALWAYS_REQUIRED = ("project_name", "site", "district")
# 投资项目代码与编制单位 (approvals.exchange): asked of the items the exchange data names.
DECLARATION_FIELDS = ("project_code", "region_reason", "consultancy_uscc", "engineers")


@dataclass(frozen=True)
class ApplyForm:
    """What the one apply form shows for an item: each shown field and whether it is required,
    the labels that differ by kind, and how the item is handled after submission."""

    fields: dict[str, bool]
    labels: dict[str, str]
    kind: ProcessKind
    licence_help: str = "所涉许可证的编号"
    declaration: ExchangeSpec | None = None  # the project code and preparers it asks for


def apply_form_for(item: Item) -> ApplyForm:
    """The fields ``approvals.casework.forms`` requires of the item, plus the licence number of
    a licence change, renewal, replacement or cancellation; EIA items also ask the investments
    and the consultant (optional on the commitment track unless required), and every item but a
    service request may give an industry code."""
    needed = set(required_fields(item))
    if item.licence is not None and item.licence.action is not LicenceAction.ISSUE:
        needed.add("licence_number")
    fields = dict.fromkeys(ALWAYS_REQUIRED, True)
    if item.process_kind is not ProcessKind.SERVICE:
        fields["industry_code"] = False
    if is_eia_approval(item):
        fields |= dict.fromkeys(("total_investment", "env_investment", "consultant"), True)
    elif item.process_kind is ProcessKind.COMMITMENT and item.group == "环评审批":
        fields |= dict.fromkeys(("total_investment", "env_investment", "consultant"), False)
    fields |= dict.fromkeys(needed, True)
    if item.process_kind is ProcessKind.SERVICE:
        labels = {"project_name": "事项标题", "site": "联系地址"}
    elif item.group == "环评审批":
        labels = {"project_name": "项目名称", "site": "建设地点"}
    else:
        labels = {"project_name": "单位（项目）名称", "site": "生产经营场所地址"}
    ordered = {f: fields[f] for f in APPLY_FIELDS if f in fields}
    form = ApplyForm(
        fields=ordered, labels=labels, kind=item.process_kind, declaration=spec_of(item.code)
    )
    if item.licence is None:
        return form
    action, kind = ACTION_LABELS[item.licence.action], LICENCE_LABELS[item.licence.kind]
    return replace(form, licence_help=f"拟{action}的{kind}编号")


def application_values(form: ApplyForm, values: Mapping[str, str]) -> dict[str, str]:
    """The typed values the schema should see: required fields always (a blank one is reported
    missing), optional ones only when filled in."""
    return {
        f: v
        for f, v in values.items()
        if f not in DECLARATION_FIELDS and (form.fields.get(f) or v.strip())
    }
