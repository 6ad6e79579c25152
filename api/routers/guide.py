"""办事指南: the public guide of one catalogue item, as JSON (the /guide pages show the same).

Everything here is read from the item file; what the file does not say directly (who may apply,
the process steps, delivery) is derived from its category, group and process kind. Only verified
facts are stated: an unverified fact (``approvals.catalogue.public_facts``) reads
"以受理窗口告知为准" and is listed in ``at_the_window``. Research notes, evidence markers, sources
and the English name stay in the staff view (数据来源与核实).
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from sqlmodel import Session

from api.deps import ServicesDep, SessionDep
from api.guide_text import (
    ACTION_LABELS,
    APPLICANTS,
    DELIVERY_SLOGAN,
    KIND_LABELS,
    KIND_SUMMARIES,
    LICENCE_LABELS,
    PLAN_AUTHORITIES,
    PUBLIC,
    STATUS_LABELS,
    STEPS,
)
from approvals.casework.cases import RUNNABLE_KINDS
from approvals.casework.fact_checks import verified_facts
from approvals.catalogue import (
    DayUnit,
    Item,
    ItemStatus,
    LicenceAction,
    Limit,
    ProcessKind,
)
from approvals.catalogue.lawbook import document_label
from approvals.catalogue.public_facts import (
    AT_THE_WINDOW,
    has_marker,
    public_clauses,
    seed_verified,
)
from models.enums import DOCUMENT_LABELS

router = APIRouter(prefix="/api", tags=["公共 public"])

COPIED_FIELDS = {"code", "version", "name_zh", "category", "group", "status", "process_kind"}


class GuideLimit(BaseModel):
    days: int | None  # None also when the limit is not verified
    unit: DayUnit
    text: str  # "60 个工作日", "即办", "无", or "以受理窗口告知为准" (not verified)
    verified: bool


class GuideMaterial(BaseModel):
    code: str
    name: str
    required: bool
    note: str


class GuideStep(BaseModel):
    name: str
    who: str
    what: str
    limit: str = ""
    documents: list[str] = []


class GuideDocument(BaseModel):
    kind: str
    label: str


class GuideLicence(BaseModel):
    kind: str
    kind_label: str
    action: str
    action_label: str
    validity_years: int | None
    needs_licence_number: bool
    note: str


class GuideDelivery(BaseModel):
    methods: list[str]
    slogan: str


class GuidePublic(BaseModel):
    """The 办事指南 of one item: verified facts; ``at_the_window`` names the facts withheld."""

    code: str
    version: int
    name_zh: str
    category: str
    group: str
    status: ItemStatus
    status_label: str
    status_note: str
    appliable: bool  # the item can be applied for at all (not abolished, not provincial)
    apply_url: str | None  # where to start online now; None when not open here
    unavailable: str  # why one cannot apply online ("" when one can)
    process_kind: ProcessKind
    process_kind_label: str
    summary: str
    applicants: str
    legal_basis: list[str]
    materials: list[GuideMaterial]
    statutory: GuideLimit
    promised: GuideLimit
    clock_stops: list[str]
    clock_note: str
    public_notices: list[str]
    fee: str
    steps: list[GuideStep]
    documents: list[GuideDocument]
    delivery: GuideDelivery
    online_depth: str
    visits: int
    needs_expert_review: bool
    licence: GuideLicence | None
    at_the_window: list[str]  # facts not verified: the guide says 以受理窗口告知为准 for them


def applicants_of(item: Item) -> str:
    """申请对象: by group and kind, then by group; anyone (公民、法人和其他组织) otherwise."""
    if item.group == "环评审批" and "规划" in item.name_zh:
        return PLAN_AUTHORITIES
    return (
        APPLICANTS.get((item.group, item.process_kind))
        or APPLICANTS.get((item.group, None))
        or PUBLIC
    )


def unavailable_text(item: Item) -> str:
    """Why this item cannot be applied for online here; "" when it can."""
    if not item.appliable:
        return f"不可申请：{public_clauses(item.status_note)[0] or STATUS_LABELS[item.status]}"
    if item.process_kind not in RUNNABLE_KINDS:
        return "告知承诺制通道建设中，暂不能在线申请；可按一般程序申请同类事项。"
    return ""


def limit_text(limit: Limit) -> str:
    """ "60 个工作日", "30 日", "即办" (0 days) or "无" (no limit set)."""
    if limit.days is None:
        return "无"
    if limit.days == 0:
        return "即办"
    return f"{limit.days} {'个工作日' if limit.unit is DayUnit.WORKING else '日'}"


class _Facts:
    """The item's facts as the public may read them, given which facts are verified."""

    def __init__(self, item: Item, verified: frozenset[str]) -> None:
        self.item, self.verified = item, verified
        self.withheld: set[str] = set()

    def shown(self, fact: str) -> bool:
        """Whether ``fact`` is verified; an unverified one is recorded as withheld."""
        if fact in self.verified:
            return True
        self.withheld.add(fact)
        return False

    def text(self, fact: str, text: str) -> str:
        """A verified fact's text without research clauses; the window's word otherwise."""
        if not self.shown(fact):
            return AT_THE_WINDOW
        clean, dropped = public_clauses(text)
        if dropped or not clean:
            self.withheld.add(fact)
            return clean + "；" + AT_THE_WINDOW if clean else AT_THE_WINDOW
        return clean

    def limit(self, fact: str, limit: Limit) -> GuideLimit:
        if not self.shown(fact):
            return GuideLimit(days=None, unit=limit.unit, text=AT_THE_WINDOW, verified=False)
        return GuideLimit(days=limit.days, unit=limit.unit, text=limit_text(limit), verified=True)

    def legal_basis(self) -> list[str]:
        """Each basis without research clauses (the statute it names stays); when the fact
        is unverified or a clause was dropped, the window's word closes the list."""
        kept = [public_clauses(b) for b in self.item.legal_basis]
        basis = [text for text, _ in kept if text]
        if not self.shown("legal_basis") or any(dropped for _, dropped in kept):
            self.withheld.add("legal_basis")
            basis = [b for b in basis if "《" in b] + [AT_THE_WINDOW]
        return basis

    def listed(self, fact: str, values: list[str]) -> list[str]:
        return [v for v in values if not has_marker(v)] if self.shown(fact) else []


def _licence(item: Item) -> GuideLicence | None:
    """The licence part; the validity is stated only when no research remark qualifies it."""
    licence = item.licence
    if licence is None:
        return None
    note, dropped = public_clauses(licence.note)
    doubtful_validity = dropped and "有效期" not in note and "有效期" in licence.note
    return GuideLicence(
        kind=licence.kind.value,
        kind_label=LICENCE_LABELS[licence.kind],
        action=licence.action.value,
        action_label=ACTION_LABELS[licence.action],
        validity_years=None if doubtful_validity else licence.validity_years,
        needs_licence_number=licence.action is not LicenceAction.ISSUE,
        note=note,
    )


def _summary(item: Item, facts: _Facts) -> str:
    text = f"“{item.name_zh}”是郑州市生态环境局实施的{item.category}事项（{item.group}）。"
    text += KIND_SUMMARIES[item.process_kind]
    licence = _licence(item)
    if licence is not None:
        years = licence.validity_years
        text += f"本事项办理{licence.kind_label}{licence.action_label}" + (
            f"，有效期 {years} 年。" if years else "。"
        )
    if item.needs_expert_review and facts.shown("needs_expert_review"):
        text += "需组织技术评估或专家评审，所需时间不计入办理时限。"
    return text


def _review_text(stops: list[str], notices: list[str]) -> str:
    text = "承办人审查申请材料和实质内容。"
    stops = [s for s in stops if s != "补正"]  # 补正 stops the clock at intake
    if stops:
        text += (
            f"需要{'、'.join(stops)}的，所需时间不计入办理时限，"
            "并书面告知申请人（《行政许可法》第四十五条）。"
        )
    if notices:
        text += "依法公开：" + "；".join(notices) + "。"
    return text


def _limits_text(statutory: GuideLimit, promised: GuideLimit) -> str:
    """ "法定 60 个工作日，承诺 15 个工作日" with only the verified limits."""
    parts = [f"法定 {statutory.text}"] if statutory.verified else []
    parts += [f"承诺 {promised.text}"] if promised.verified else []
    return "，".join(parts) if parts else f"办理时限{AT_THE_WINDOW}"


def _steps(item: Item, review: str, limits: str) -> list[GuideStep]:
    """The process steps a person sees: the item's process kind filled in with its facts."""
    facts = {"review": review, "limits": limits, "slogan": DELIVERY_SLOGAN}
    return [
        GuideStep(
            name=name,
            who=who,
            what=what.format(**facts),
            limit=limit.format(**facts),
            documents=[
                document_label(item.code, k, DOCUMENT_LABELS[k])
                for k in documents
                if k in item.documents
            ],
        )
        for name, who, what, limit, documents in STEPS[item.process_kind]
    ]


def guide_of(item: Item, verified: frozenset[str] | None = None) -> GuidePublic:
    """The 办事指南 of ``item`` (no database): ``verified`` names its verified facts (default:
    the seed's, ``seed_verified``); every other fact reads "以受理窗口告知为准"."""
    facts = _Facts(item, seed_verified(item) if verified is None else verified)
    unavailable = unavailable_text(item)
    statutory = facts.limit("statutory", item.statutory)
    promised = facts.limit("promised", item.promised)
    stops = facts.listed("clock_stops", item.clock_stops)
    notices = facts.listed("public_notices", item.public_notices)
    # The materials are what the online form asks for: listed either way, with the window's
    # word when the list is not verified; their notes only when it is.
    materials_verified = facts.shown("materials")
    materials = [
        GuideMaterial(
            code=m.code,
            name=m.name,
            required=m.required,
            note=public_clauses(m.note)[0] if materials_verified else "",
        )
        for m in item.materials
    ]
    return GuidePublic(
        **item.model_dump(include=COPIED_FIELDS),
        status_label=STATUS_LABELS[item.status],
        status_note=public_clauses(item.status_note)[0],
        appliable=item.appliable,
        apply_url=None if unavailable else f"/apply/{item.code}",
        unavailable=unavailable,
        process_kind_label=KIND_LABELS[item.process_kind],
        summary=_summary(item, facts),
        applicants=applicants_of(item),
        legal_basis=facts.legal_basis(),
        materials=materials,
        statutory=statutory,
        promised=promised,
        clock_stops=stops,
        clock_note=(
            f"以下期间不计入办理时限：{'、'.join(stops)}。"
            if stops
            else (f"不计时的期间{AT_THE_WINDOW}。" if "clock_stops" in facts.withheld else "")
        ),
        public_notices=notices,
        fee=facts.text("fee", item.fee),
        steps=_steps(item, _review_text(stops, notices), _limits_text(statutory, promised)),
        documents=[
            GuideDocument(kind=d.value, label=document_label(item.code, d, DOCUMENT_LABELS[d]))
            for d in item.documents
        ],
        delivery=GuideDelivery(methods=["网上下载", "邮寄纸质件"], slogan=DELIVERY_SLOGAN),
        online_depth="全程网办",
        visits=0,
        needs_expert_review=item.needs_expert_review and "needs_expert_review" in facts.verified,
        licence=_licence(item),
        at_the_window=sorted(facts.withheld),
    )


def public_guides(session: Session, items: list[Item]) -> list[GuidePublic]:
    """The guides of ``items`` with each fact's verification state as staff left it."""
    verified = verified_facts(session, items)
    return [guide_of(item, verified[item.code]) for item in items]


@router.get(
    "/items/{code}/guide", response_model=GuidePublic, summary="办事指南 / the item's public guide"
)
def item_guide(code: str, session: SessionDep, services: ServicesDep) -> GuidePublic:
    """Public, no sign-in. An unknown code answers 404."""
    return public_guides(session, [services.catalogue.get(code)])[0]
