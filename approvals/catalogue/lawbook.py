"""Each item group's documents and law, as data: ``approvals/law/<group>.yaml``.

One file per item group (a *form*): the items it covers, whether they are 行政许可, the statute
its documents cite, the approving and the denying document (template, label, title, legal basis,
text paragraphs, whether the 复议 notice is due, who is copied) and the statutory denial grounds;
optionally the item's own intake period (e.g. 排污许可: 补正告知 within 3 days). What could not be
confirmed in the law is listed in ``unconfirmed`` (shown in the admin view, never printed).

Titles and paragraphs are ``str.format`` templates over :data:`FACT_KEYS`; unknown keys fail at
load. Adding an item group is one file here (plus the item files); the decision template is
shared (``templates/documents/decision.html``) unless the form needs its own.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from approvals.catalogue.schema import DayUnit
from core.yamlfile import load_yaml
from models.enums import DocumentKind

LAW_DIRECTORY = Path(__file__).resolve().parents[1] / "law"

# The facts a title or paragraph may name (filled by approvals.issuing.service).
FACT_KEYS: frozenset[str] = frozenset(
    {
        "project",  # 项目名称
        "applicant",  # 申请单位名称
        "item",  # “事项名称” in quotes
        "item_short",  # the item's name before its first full-width bracket
        "report",  # 环境影响报告书 / 环境影响报告表 (EIA items)
        "submitted",  # 你单位于…提交的
        "case_ref",  # （办件编号：…）
        "item_ref",  # （项目名称：…；办件编号：…）
        "licence_clause",  # what the decision does to the licence (licence items)
        "reasons",  # the officer's reasons (denials)
    }
)

# Documents outside the decision forms: who is copied (抄送), by document kind. Notices to the
# applicant, 答复书, 备案回执 and the experts' opinion are copied to no one.
CC_BY_KIND: Mapping[DocumentKind, tuple[str, ...]] = MappingProxyType(
    {
        DocumentKind.COMMITMENT_DECISION: ("branch", "supervisor", "consultant"),
        DocumentKind.REVOCATION_DECISION: ("branch", "supervisor"),
    }
)

# The default intake period: 行政许可法第三十二条第一款第（四）项.
DEFAULT_INTAKE_DAYS = 5
DEFAULT_INTAKE_UNIT = DayUnit.WORKING
DEFAULT_INTAKE_BASIS = "《中华人民共和国行政许可法》第三十二条第一款第（四）项"


class CcRole(StrEnum):
    BRANCH = "branch"  # the 分局 of the project's district
    SUPERVISOR = "supervisor"  # 郑州市生态环境综合行政执法支队
    CONSULTANT = "consultant"  # the EIA consultancy that wrote the report


Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+$")]


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class Side(BaseModel):
    """The approving or the denying document of a form."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    template: Slug  # templates/documents/<template>.html
    label: Text  # 文书名称 in mails, file names and case pages
    title: Text
    basis: Text  # the legal basis this document cites
    paragraphs: list[Text] = []  # body before the officer's conditions (decision.html)
    conditions_intro: str = ""  # the line before the numbered conditions
    closing: str = "特此决定。"
    appeal: bool  # the 行政复议/行政诉讼 notice is due
    cc: list[CcRole] = []

    @model_validator(mode="after")
    def _check(self) -> Self:
        unknown = set().union(*(_fields(t) for t in (self.title, *self.paragraphs))) - FACT_KEYS
        if unknown:
            raise ValueError(f"unknown placeholders {sorted(unknown)}; known: {sorted(FACT_KEYS)}")
        return self


class Intake(BaseModel):
    """The item's own period to tell the applicant what to correct (else 行政许可法 §32)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    correction_days: int = Field(ge=0, le=20)
    unit: DayUnit
    basis: Text


class Form(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    key: Slug
    name: Text
    items: list[Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,3}-\d{2}$")]] = Field(
        min_length=1
    )
    licensing: bool  # 行政许可 (受理 under 行政许可法第三十二条, 许可 wording)
    statute: Text  # the statute every decision of the group names
    approve: Side
    deny: Side
    denial_grounds: list[Text] = Field(min_length=1)
    intake: Intake | None = None
    extend_clause: str = ""  # what approving an `extend` item grants (licence items only)
    unconfirmed: list[Text] = []

    def side(self, kind: DocumentKind) -> Side:
        return self.approve if kind is DocumentKind.APPROVAL else self.deny


class LawbookError(ValueError):
    """A malformed form file, or two forms claiming one item."""


@lru_cache(maxsize=1)
def forms() -> Mapping[str, Form]:
    """Every form, by key (loaded once; a malformed file fails loudly)."""
    loaded: dict[str, Form] = {}
    for path in sorted(LAW_DIRECTORY.glob("*.yaml")):
        try:
            form = Form.model_validate(load_yaml(path.read_text(encoding="utf-8")))
        except ValueError as exc:
            raise LawbookError(f"{path.name}: {exc}") from exc
        if form.key != path.stem:
            raise LawbookError(f"{path.name}: key {form.key!r} differs from the file name")
        loaded[form.key] = form
    return MappingProxyType(loaded)


@lru_cache(maxsize=1)
def _by_item() -> Mapping[str, Form]:
    owners: dict[str, Form] = {}
    for form in forms().values():
        for code in form.items:
            if code in owners:
                raise LawbookError(f"{code} is in both {owners[code].key} and {form.key}")
            owners[code] = form
    return MappingProxyType(owners)


def form_of(item_code: str) -> Form | None:
    """The decision form of an item (None: the item issues no approval or denial)."""
    return _by_item().get(item_code)


def intake_period(item_code: str) -> tuple[int, DayUnit, str]:
    """(days, unit, legal basis) within which the bureau must tell what to correct."""
    form = form_of(item_code)
    if form is not None and form.intake is not None:
        return form.intake.correction_days, form.intake.unit, form.intake.basis
    return DEFAULT_INTAKE_DAYS, DEFAULT_INTAKE_UNIT, DEFAULT_INTAKE_BASIS


def document_label(item_code: str, kind: DocumentKind, default: str) -> str:
    """The 文书名称 of a document of ``kind`` for this item (the form's, else ``default``)."""
    form = form_of(item_code)
    if form is not None and kind in (DocumentKind.APPROVAL, DocumentKind.DENIAL):
        return form.side(kind).label
    return default


def cc_roles(item_code: str, kind: DocumentKind) -> tuple[str, ...]:
    """Who a document of ``kind`` for this item is copied to (抄送), as :class:`CcRole` values."""
    form = form_of(item_code)
    if form is not None and kind in (DocumentKind.APPROVAL, DocumentKind.DENIAL):
        return tuple(role.value for role in form.side(kind).cc)
    return CC_BY_KIND.get(kind, ())


# ------------------------------------------------------------------ clock stops and their law

# The phases the clock may stop for after acceptance, each with the law that excludes its time.
# 行政许可法第四十五条 lists 听证、招标、拍卖、检验、检测、检疫、鉴定和专家评审 only:
# 补正 comes before
# acceptance (§32: the clock has not started), 公示 and 征求部门意见 have no such basis.
SECTION_45 = "《中华人民共和国行政许可法》第四十五条"
SECTION_45_TEXT = (
    "行政机关作出行政许可决定，依法需要听证、招标、拍卖、检验、检测、检疫、鉴定和专家评审的，"
    "所需时间不计算在本节规定的期限内"
)
STOP_BASIS: Mapping[str, str] = MappingProxyType(
    {
        "听证": SECTION_45,
        "专家评审": SECTION_45,
        "技术评估": "《建设项目环境保护管理条例》第九条",
        "征求第三方意见": "《中华人民共和国政府信息公开条例》第三十三条",
        "报告修改": "",  # the applicant's own revision time; practice, no statute (inferred)
        "接受地省级复函": "",  # provincial item: the receiving province's reply (inferred)
    }
)


def stops_by_basis(stops: list[str]) -> list[tuple[str, list[str]]]:
    """The item's clock stops grouped by the law that excludes them, in first-seen order;
    stops without a statute come last under ``""``. Unknown names are left out."""
    groups: dict[str, list[str]] = {}
    for stop in stops:
        if stop in STOP_BASIS:
            groups.setdefault(STOP_BASIS[stop], []).append(stop)
    return sorted(groups.items(), key=lambda kv: kv[0] == "")


# ------------------------------------------------------------------ hearings (听证)

# The line a decision carries where a hearing was held: 行政许可法第四十八条第二款 (the decision
# rests on the record) and 环境保护行政许可听证暂行办法第三十条 (the decision states whether the
# hearing's main views were adopted).
HEARING_CLAUSE = (
    "本机关已于{held}依法举行听证，本决定根据听证笔录{record}作出。"
    "对听证会反映的主要观点的采纳情况：{adoption}。"
)
HEARING_BASIS = "《中华人民共和国行政许可法》第四十七条、第四十八条"
