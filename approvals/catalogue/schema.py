"""The schema of one catalogue item (``approvals/items/<code>.yaml``) and its vocabularies.

Items are data, processes are code: an item may only *name* things that code implements (a
process kind, a document kind, a clock stop, a public notice). The vocabularies below are the
closed lists of those names; a file naming anything else fails to load.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from models.enums import DocumentKind, ProcessKind


class ItemStatus(StrEnum):
    ACTIVE = "active"
    ABOLISHED = "abolished"  # no longer an approval; status_note says what replaced it
    PROVINCIAL = "provincial"  # decided by the province, the city only forwards


class DayUnit(StrEnum):
    WORKING = "working"
    CALENDAR = "calendar"


class Evidence(StrEnum):
    FOUND = "found"  # seen in a source (page, guide, another city's catalogue)
    LEGAL = "legal"  # read in statute or regulation text
    INFERRED = "inferred"  # reasoning or a placeholder; verify before relying on it


# The 事项类型 values of the model catalogue (shared/domain/items.yaml meta.category_values).
CATEGORIES: tuple[str, ...] = (
    "行政许可",
    "其他行政权力",
    "其他行政权力(备案)",
    "其他行政权力(登记)",
    "行政奖励",
    "公共服务",
    "公共服务(依申请)",
    "行政许可(历史事项)",
    "行政许可(已取消)",
    "行政许可(省级决定, 市级转报)",
)

# Phases after acceptance whose time does not count towards an item's limit, each with its
# legal basis in approvals.catalogue.lawbook.STOP_BASIS: 听证 and 专家评审 (行政许可法第45条,
# which lists 听证、招标、拍卖、检验、检测、检疫、鉴定和专家评审 only),
# 技术评估 (建设项目环境保护管理条例第9条),
# 征求第三方意见 (政府信息公开条例第33条); 报告修改 and 接受地省级复函 for non-许可 and provincial
# items. 补正 is not one (it comes before acceptance, §32), nor are 公示, 征求部门意见 or 现场核查.
# The clock code pauses on these names; the 受理通知书 lists them with their basis.
CLOCK_STOPS: tuple[str, ...] = (
    "技术评估",
    "专家评审",
    "听证",
    "报告修改",
    "征求第三方意见",
    "接受地省级复函",
)

# Notices published during or after an item's handling; process code keys on these names.
PUBLIC_NOTICES: tuple[str, ...] = (
    "受理公示及环评文件全本（报告书不少于10个工作日）",
    "受理公示及环评文件全本",
    "拟批准公示（5个工作日，告知听证权）",
    "审批决定公告",
    "事后核查结果公开",
    "备案（登记）信息公开",
    "审查意见公开",
    "申请前公开单位基本信息和拟申请许可事项（申请人，排污许可平台）",
    "受理决定在排污许可平台公开",
    "许可证信息公开",
    "受理情况公开",
    "决定前公示",
    "送达信息公开",
    "批准信息通报交通运输部门",
    "办理结果公开",
    "施工现场公示（施工单位）",
    "建设单位自主验收报告公示（不少于20个工作日）",
    "答复函公开（20个工作日内）",
)

# Facts whose confidence every item records in ``evidence``.
EVIDENCE_FACTS: tuple[str, ...] = (
    "item",  # that the bureau handles such an item at all
    "legal_basis",
    "statutory",
    "promised",
    "clock_stops",
    "public_notices",
    "materials",
    "documents",
    "decision_series",
    "process_kind",
    "status",
    "needs_expert_review",
    "fee",
)

# Research vocabulary, English evidence words, placeholders, addresses and internal paths: none
# may stand in a field the public reads as it is (names, status notes);
# approvals.catalogue.public_facts withholds such clauses from the fields that may carry research
# (notes, fee, legal basis).
RESEARCH_MARKER = re.compile(
    r"inferred|\bfound\b|\blegal\b|placeholder|\bTODO\b|推定|推断|占位|核实|待定|待查"
    r"|https?://|www\.|github|\.ya?ml\b|\.py\b|\.md\b|approvals/|shared/|domain/|/work/",
    re.IGNORECASE,
)

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+$")]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
_SERIES = re.compile(r"^[\u4e00-\u9fff]{2,8}$")


class Limit(BaseModel):
    """A time limit. ``days`` None: no limit is set by law or promise; 0: on the spot."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    days: int | None = Field(ge=0)
    unit: DayUnit
    note: str = ""
    evidence: Evidence


class MaterialSpec(BaseModel):
    """One entry of the item's materials list (申请材料清单)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: Slug
    name: Text
    required: bool
    note: str = ""


class PublicationRule(StrEnum):
    """When the item's 受理公示 runs relative to the decision."""

    BEFORE_DECISION = "before_decision"  # published at acceptance; the decision waits for its end
    AFTER_DECISION = "after_decision"  # 告知承诺制: decide first, publish after


class AcceptanceNoticeSpec(BaseModel):
    """The item's 受理公示: how long it runs (from the day after acceptance, on the working-day
    calendar), which uploaded material is the public version of the report and which one is the
    公众参与说明. ``evidence`` and ``note`` are research: never shown to the public."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    days: int = Field(ge=1, le=60)
    unit: DayUnit = DayUnit.WORKING
    rule: PublicationRule
    public_material: Slug  # the 公开版本 the public downloads: nothing else of the case
    participation_material: Slug | None = None  # 公众参与说明, shown when the item has one
    evidence: Evidence
    note: str = ""


class HearingSpec(BaseModel):
    """The item's 听证 periods (行政许可法第47、48条): a party asks within ``request_days`` of
    being told of the right; the bureau holds the hearing within ``hold_days`` of the request
    and tells the parties at least ``notify_days`` before it; the 特别程序告知书 states
    ``pause_days`` as the longest the clock stops. ``evidence`` and ``note`` are research."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    request_days: int = Field(ge=1, le=30)
    request_unit: DayUnit
    hold_days: int = Field(ge=1, le=60)
    hold_unit: DayUnit
    notify_days: int = Field(ge=1, le=30)
    notify_unit: DayUnit
    pause_days: int = Field(ge=1, le=120)
    evidence: Evidence
    note: str = ""


class PreApprovalNoticeSpec(BaseModel):
    """The item's 拟批准公示: published when the leader agrees in principle to approve, signing
    waits for its end (rule ``before_decision``); ``after_decision`` (告知承诺制) publishes none
    before the decision, which is published on issue. ``evidence`` and ``note`` are research."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    days: int = Field(ge=1, le=30)
    unit: DayUnit = DayUnit.WORKING
    rule: PublicationRule
    evidence: Evidence
    note: str = ""


class DecisionNoticeSpec(BaseModel):
    """The item publishes its decisions (批复公告) on issue, and a revocation (撤销公告), each
    shown as current for ``days`` (then listed among past decisions)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    days: int = Field(ge=1, le=30)
    unit: DayUnit = DayUnit.CALENDAR
    evidence: Evidence
    note: str = ""


class LicenceKind(StrEnum):
    POLLUTANT_DISCHARGE = "pollutant_discharge"  # 排污许可证
    HAZARDOUS_WASTE = "hazardous_waste"  # 危险废物经营许可证
    RADIATION = "radiation"  # 辐射安全许可证
    E_WASTE = "e_waste"  # 废弃电器电子产品处理资格证书


class LicenceAction(StrEnum):
    ISSUE = "issue"  # 核发 / 首次申请 / 重新申请: a new licence
    CHANGE = "change"  # 变更: same number and validity, new particulars
    RENEW = "renew"  # 延续 / 换证: a new validity period, before expiry
    REPLACE = "replace"  # 遗失补领: a duplicate of the same licence
    CANCEL = "cancel"  # 注销
    EXTEND = "extend"  # a decision about a licensed activity, no new certificate


class LicenceSpec(BaseModel):
    """How an item acts on a licence; the rules live in approvals.licences.service."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: LicenceKind
    action: LicenceAction
    validity_years: int | None = Field(default=None, ge=1, le=10)  # for issue and renew
    renew_before_days: int | None = Field(default=None, ge=0, le=365)  # apply at least N days
    renew_before_unit: DayUnit = DayUnit.CALENDAR  # … before expiry, in this unit
    note: str = ""


class Item(BaseModel):
    """One approval or service item. Field names are used by services, flows and templates."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,3}-\d{2}$")]
    version: int = Field(ge=1)
    name_zh: Text
    name_en: Text
    category: str
    group: Text
    status: ItemStatus
    status_note: str = ""
    process_kind: ProcessKind
    legal_basis: list[Text] = Field(min_length=1)
    statutory: Limit
    promised: Limit
    clock_stops: list[str]
    public_notices: list[str]
    materials: list[MaterialSpec]
    documents: list[DocumentKind]
    future_documents: list[Slug] = []
    decision_series: str
    needs_expert_review: bool
    fee: Text
    evidence: dict[str, Evidence]
    sources: list[Text] = Field(min_length=1)
    licence: LicenceSpec | None = None
    acceptance_notice: AcceptanceNoticeSpec | None = None
    hearing: HearingSpec | None = None
    pre_approval_notice: PreApprovalNoticeSpec | None = None
    decision_notice: DecisionNoticeSpec | None = None

    @property
    def appliable(self) -> bool:
        """Whether an application for this item can be made to the bureau."""
        return self.status is ItemStatus.ACTIVE

    @model_validator(mode="after")
    def _check(self) -> Self:
        problems = [*self._vocabulary_problems(), *self._consistency_problems()]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _vocabulary_problems(self) -> list[str]:
        problems: list[str] = []
        if self.category not in CATEGORIES:
            problems.append(f"category {self.category!r} is not one of {list(CATEGORIES)}")
        problems += [f"unknown clock stop {s!r}" for s in self.clock_stops if s not in CLOCK_STOPS]
        problems += [
            f"unknown public notice {n!r}" for n in self.public_notices if n not in PUBLIC_NOTICES
        ]
        kinds = {k.value for k in DocumentKind}
        problems += [
            f"future document {d!r} exists as a DocumentKind: list it in documents"
            for d in self.future_documents
            if d in kinds
        ]
        public = [self.name_zh, self.status_note, *(m.name for m in self.materials)]
        problems += [
            f"research note in a public field: {text!r} (move it to a note or a comment)"
            for text in public
            if RESEARCH_MARKER.search(text)
        ]
        if not _SERIES.match(self.decision_series):
            problems.append(f"decision_series {self.decision_series!r} is not 2-8 CJK characters")
        if set(self.evidence) != set(EVIDENCE_FACTS):
            missing = sorted(set(EVIDENCE_FACTS) - set(self.evidence))
            unknown = sorted(set(self.evidence) - set(EVIDENCE_FACTS))
            problems.append(f"evidence keys: missing {missing}, unknown {unknown}")
        return problems

    def _consistency_problems(self) -> list[str]:
        problems: list[str] = []
        for name, values in (
            ("material code", [m.code for m in self.materials]),
            ("document", [d.value for d in self.documents]),
            ("future document", self.future_documents),
            ("clock stop", self.clock_stops),
            ("public notice", self.public_notices),
        ):
            problems += [
                f"duplicate {name} {v!r}" for v in sorted(set(values)) if values.count(v) > 1
            ]
        notice = self.acceptance_notice
        if notice is not None:
            codes = {m.code for m in self.materials}
            problems += [
                f"acceptance_notice names {code!r}, not a material of the item"
                for code in (notice.public_material, notice.participation_material)
                if code is not None and code not in codes
            ]
        if self.hearing is not None and "听证" not in self.clock_stops:
            problems.append("hearing periods need 听证 among the clock stops")
        if self.status is not ItemStatus.ACTIVE and not self.status_note.strip():
            problems.append(f"status {self.status.value} needs a status_note (why, where to go)")
        for fact in ("statutory", "promised"):
            limit: Limit = getattr(self, fact)
            if self.evidence.get(fact, limit.evidence) is not limit.evidence:
                problems.append(f"evidence[{fact!r}] differs from {fact}.evidence")
        law, promise = self.statutory, self.promised
        if (
            law.days
            and promise.days is not None
            and law.unit is promise.unit
            and promise.days > law.days
        ):
            problems.append(f"promised {promise.days} days exceed the statutory {law.days}")
        return problems
