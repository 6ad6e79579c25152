"""Eligibility for the notification-commitment fast track (告知承诺制), explained.

``assess(data)`` is pure: it reads nothing but the packaged scope and parks (loaded once, see
``approvals.commitment.scope``) and returns every reason that applies, each with a Chinese and an
English message, so the applicant sees the whole picture before submitting. Malformed input (an
unknown industry code, district or document type, half a coordinate) raises ``InvalidInput``;
an ineligible project is a result, not an error.

Sites: when coordinates are given they decide the park by ray casting (a point on an edge or a
vertex is inside) and win over the chosen park name, a mismatch being reported as a ``Notice``.
Without coordinates the chosen park is taken as declared.

Plan EIA (规划环评): the park's must have passed review by the application date (``today``): a
review dated after it is a finding. Only a confirmed status (``PlanEia.confirmed``) is stated;
an unconfirmed negative one (a placeholder, ``unknown``) is the finding "审查情况未能核实", and an
unconfirmed pass is assumed but never stated (a notice asks staff to check it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from approvals.catalogue.districts import validate_district
from approvals.catalogue.industry import IndustryClass, validate_industry_code
from approvals.commitment.scope import (
    CommitmentScope,
    Park,
    ParkList,
    PlanEiaStatus,
    ScopeType,
    shared_parks,
    shared_scope,
)
from approvals.errors import InvalidInput


class Reason(StrEnum):
    CATEGORY_NOT_IN_SCOPE = "category_not_in_scope"
    TYPE_SUSPENDED = "type_suspended"
    NOT_REPORT_TABLE = "not_report_table"
    OUTSIDE_ELIGIBLE_PARKS = "outside_eligible_parks"
    PARK_PLAN_EIA_NOT_PASSED = "park_plan_eia_not_passed"
    PARK_PLAN_EIA_UNVERIFIED = "park_plan_eia_unverified"
    SENSITIVE_AREA = "sensitive_area"
    ELECTROPLATING_OR_TWO_HIGH_ONE_DANGER = "electroplating_or_two_high_one_danger"
    RADIATION = "radiation"
    REVOKED_COMMITMENT_BAR = "revoked_commitment_bar"
    BAD_CREDIT = "bad_credit"


class DocumentType(StrEnum):
    REPORT_TABLE = "report_table"  # 环境影响报告表
    REPORT_BOOK = "report_book"  # 环境影响报告书
    REGISTRATION_FORM = "registration_form"  # 环境影响登记表


class NoticeKind(StrEnum):
    """Remarks that do not make a project ineligible but the applicant should check."""

    PARK_NAME_MISMATCH = "park_name_mismatch"  # the coordinates lie in another park
    PARK_DISTRICT_MISMATCH = "park_district_mismatch"  # the park is not in the declared district
    PARK_BOUNDARY_UNKNOWN = "park_boundary_unknown"  # coordinates given, park has no boundary


@dataclass(frozen=True)
class Finding:
    """One reason the project cannot use the fast track."""

    reason: Reason
    message_zh: str
    message_en: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Notice:
    kind: NoticeKind
    message_zh: str
    message_en: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EligibilityInput:
    industry_code: str  # GB/T 4754, e.g. "C3670"
    minglu_item: int | None  # 2021 名录 二级项目类别序号; when given it must match the type
    document_type: str  # a DocumentType value
    district: str  # one of approvals.catalogue.districts.ZHENGZHOU_DISTRICTS
    park_name: str | None
    longitude: float | None  # WGS84 degrees; both or neither
    latitude: float | None
    in_sensitive_area: bool  # 名录第三条环境敏感区 (the applicant's declaration)
    has_electroplating: bool
    is_two_high_one_danger: bool  # 两高一危
    involves_radiation: bool
    barred_until: date | None  # barred from the fast track before this date (after revocation)
    bad_credit: bool  # serious bad-credit record
    today: date  # the application date: the park's plan EIA must have passed by then


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    findings: list[Finding]  # every reason, in Reason order; empty when eligible
    matched_type: ScopeType | None  # the scope type, when the category is in scope
    matched_park: Park | None  # the park the site was placed in, eligible or not
    scope_version: int
    parks_version: int = 0
    notices: list[Notice] = field(default_factory=list)
    summary_zh: str = ""
    summary_en: str = ""

    @property
    def reasons(self) -> list[Reason]:
        return [finding.reason for finding in self.findings]


def assess(
    data: EligibilityInput,
    scope: CommitmentScope | None = None,
    parks: ParkList | None = None,
) -> Eligibility:
    """Every reason ``data`` cannot use the fast track (none: eligible). Pure."""
    scope = shared_scope() if scope is None else scope
    parks = shared_parks() if parks is None else parks
    industry, document_type = _validate(data)
    matched_type, findings = _match_scope(industry, data.minglu_item, scope)
    if document_type is not DocumentType.REPORT_TABLE:
        findings.append(_not_report_table(document_type))
    park, notices = _locate(data, parks, findings)
    findings += _declarations(data)
    if findings:
        numbered = (f"{n}. {f.message_zh}" for n, f in enumerate(findings, 1))
        summary_zh = f"不适用告知承诺制，原因共{len(findings)}项：" + "；".join(numbered)
        summary_en = "not eligible: " + ", ".join(f.reason.value for f in findings)
    else:
        assert matched_type is not None and park is not None  # no finding implies both
        stated = "，".join(filter(None, [park.level.value, park.plan_eia.label()]))
        summary_zh = (
            f"可适用告知承诺制：{_in_scope(industry, matched_type, scope)}；"
            f"建设地点位于{park.name}（{stated}）"
        )
        summary_en = f"eligible: scope type {matched_type.code}, park {park.name}"
    return Eligibility(
        eligible=not findings,
        findings=findings,
        matched_type=matched_type,
        matched_park=park,
        scope_version=scope.version,
        parks_version=parks.version,
        notices=notices,
        summary_zh=summary_zh,
        summary_en=summary_en,
    )


def _validate(data: EligibilityInput) -> tuple[IndustryClass, DocumentType]:
    industry = validate_industry_code(data.industry_code)
    validate_district(data.district)
    if data.document_type not in set(DocumentType):
        raise InvalidInput(
            f"环评文件类型“{data.document_type}”无效",
            f"unknown document type {data.document_type!r}",
            allowed=[t.value for t in DocumentType],
        )
    if data.minglu_item is not None and not 1 <= data.minglu_item <= 173:
        raise InvalidInput(
            f"名录项目类别序号“{data.minglu_item}”无效：应为1至173",
            f"名录 item {data.minglu_item} must be between 1 and 173",
        )
    lon, lat = data.longitude, data.latitude
    if (lon is None) != (lat is None):
        raise InvalidInput("经纬度须同时填写或同时不填", "give both longitude and latitude or none")
    if lon is not None and lat is not None and not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise InvalidInput(  # the comparisons are also false for NaN
            f"经纬度（{lon}, {lat}）超出范围", f"coordinates ({lon}, {lat}) out of range"
        )
    return industry, DocumentType(data.document_type)


def _label(industry: IndustryClass) -> str:
    return f"{industry.section}{industry.code} {industry.group_name or industry.division_name}"


def _in_scope(industry: IndustryClass, scope_type: ScopeType, scope: CommitmentScope) -> str:
    category = scope.category_of(scope_type).name_zh
    return (
        f"项目所属行业（{_label(industry)}）在告知承诺制范围内"
        f"（{category}：{scope_type.name_zh}，名录第{scope_type.minglu_item}项）"
    )


def _match_scope(
    industry: IndustryClass, item: int | None, scope: CommitmentScope
) -> tuple[ScopeType | None, list[Finding]]:
    """The scope type of the industry code (and 名录 item, when given), or the finding."""
    matched = scope.type_for_code(industry.code)
    if matched is not None and item in (None, matched.minglu_item):
        if matched.suspended:
            return None, [_suspended(industry, matched, scope)]
        return matched, []
    label, types = _label(industry), list(scope.types())
    detail: dict[str, Any] = {"industry_code": industry.code, "minglu_item": item}
    if matched is not None:
        detail |= {"scope_type": matched.code, "expected_minglu_item": matched.minglu_item}
        zh = (
            f"{_in_scope(industry, matched, scope)}，但申报的名录项目类别为第{item}项，"
            "两者不符，请核对行业代码或名录类别"
        )
        en = f"industry {industry.code} is scope type {matched.code}, not 名录 item {item}"
    elif len(industry.code) == 2 and scope.category_for_division(industry.code):
        zh = (
            f"项目所属行业（{label}）只填到大类，无法判断是否在告知承诺制范围内，"
            "请填写中类（3位）或小类（4位）行业代码"
        )
        en = f"industry {industry.code} is a division only; give its 3- or 4-digit code"
    else:
        size = f"{len(scope.categories)}大类{len(types)}小类"
        zh = f"项目所属行业（{label}）不在告知承诺制{size}范围内"
        en = f"industry {industry.code} is not in the commitment scope"
        detail["types_of_minglu_item"] = [t.code for t in types if t.minglu_item == item]
        if detail["types_of_minglu_item"]:
            zh += f"（名录第{item}项仅其中部分行业适用）"
    return None, [Finding(Reason.CATEGORY_NOT_IN_SCOPE, zh, en, detail)]


def _suspended(industry: IndustryClass, scope_type: ScopeType, scope: CommitmentScope) -> Finding:
    return Finding(
        Reason.TYPE_SUSPENDED,
        f"{_in_scope(industry, scope_type, scope)}，但该类型已暂停适用告知承诺制"
        f"（{scope_type.suspended}），请按一般程序申请",
        f"scope type {scope_type.code} is suspended",
        {"industry_code": industry.code, "scope_type": scope_type.code},
    )


def _not_report_table(document_type: DocumentType) -> Finding:
    if document_type is DocumentType.REPORT_BOOK:
        should = "应编制报告书"
    else:
        should = "只需填报登记表（实行备案管理，无需审批）"
    return Finding(
        Reason.NOT_REPORT_TABLE,
        f"告知承诺制仅适用于编制环境影响报告表的项目，本项目{should}",
        f"the fast track is for EIA report tables only, not a {document_type.value}",
        {"document_type": document_type.value},
    )


def _locate(
    data: EligibilityInput, parks: ParkList, findings: list[Finding]
) -> tuple[Park | None, list[Notice]]:
    """The park the site is in (appending the findings about it) and notices to check."""
    chosen = parks.find(data.park_name) if data.park_name else None
    chosen_name = chosen.name if chosen else data.park_name
    lon, lat = data.longitude, data.latitude
    detail: dict[str, Any] = {"park_name": data.park_name, "longitude": lon, "latitude": lat}
    notices: list[Notice] = []
    park, why = chosen, ("未选择园区，也未提供坐标", "no park chosen and no coordinates")
    if data.park_name and chosen is None:
        why = (f"所选园区“{data.park_name}”不在告知承诺制适用园区名单中", "unlisted park")
    if lon is not None and lat is not None and (chosen is None or chosen.boundary is not None):
        containing = [p for p in parks.parks if p.contains(lon, lat)]
        if chosen not in containing:  # the coordinates decide; prefer a park that passed
            park = min(containing, key=lambda p: not p.plan_eia_passed, default=None)
            also = f"，也不在所选园区“{chosen_name}”范围内" if chosen_name else ""
            why = (f"坐标（{lon}, {lat}）不在任何适用园区范围内{also}", "point in no park")
        if park is not None and chosen_name and park is not chosen:
            notices.append(
                _notice(
                    NoticeKind.PARK_NAME_MISMATCH,
                    park,
                    detail,
                    f"坐标位于{park.name}范围内，与所选园区“{chosen_name}”不符，按坐标认定",
                    f"the coordinates lie in {park.name}, not in the chosen {chosen_name}",
                )
            )
    elif lon is not None and park is not None:
        notices.append(
            _notice(
                NoticeKind.PARK_BOUNDARY_UNKNOWN,
                park,
                detail,
                f"{park.name}未登记边界，无法按坐标核对，按所选园区认定",
                f"{park.name} has no recorded boundary; the chosen park is taken as declared",
            )
        )
    if park is None:
        findings.append(
            Finding(
                Reason.OUTSIDE_ELIGIBLE_PARKS,
                f"建设地点不在自贸区郑州片区或市级以上产业园区内（{why[0]}）",
                f"the site is not in the FTZ Zhengzhou area or a listed park ({why[1]})",
                detail,
            )
        )
        return None, notices
    if data.district not in park.districts:
        notices.append(
            _notice(
                NoticeKind.PARK_DISTRICT_MISMATCH,
                park,
                {**detail, "district": data.district},
                f"{park.name}位于{'、'.join(park.districts)}，与申报的所在区县{data.district}不符",
                f"{park.name} lies in {', '.join(park.districts)}, not in {data.district}",
            )
        )
    finding = _plan_eia_finding(park, data.today)
    if finding is not None:
        findings.append(finding)
    return park, notices


def _plan_eia_finding(park: Park, application_date: date) -> Finding | None:
    """Why the park's plan EIA does not allow the fast track on ``application_date``; None
    when it does. Says only what was checked: never an unconfirmed status as a fact."""
    eia = park.plan_eia
    detail = {
        "park": park.name,
        "plan_eia_status": eia.status.value,
        "as_of": eia.date.isoformat() if eia.date else None,
        "application_date": application_date.isoformat(),
    }
    if eia.passed_by(application_date):
        return None
    if eia.status is PlanEiaStatus.PASSED:  # passed, but after the application date
        assert eia.date is not None
        return Finding(
            Reason.PARK_PLAN_EIA_NOT_PASSED,
            f"所在园区（{park.name}）规划环评于{_zh_date(eia.date)}通过审查，"
            f"申请日（{_zh_date(application_date)}）尚未通过审查",
            f"the plan EIA of {park.name} passed on {eia.date}, after {application_date}",
            detail,
        )
    if not eia.confirmed:
        return Finding(
            Reason.PARK_PLAN_EIA_UNVERIFIED,
            f"所在园区（{park.name}）规划环评审查情况未能核实，不能按告知承诺制办理",
            f"the plan EIA status of {park.name} could not be verified",
            detail,
        )
    state = "审查中" if eia.status is PlanEiaStatus.UNDER_REVIEW else "未通过审查或尚未开展"
    as_of = f"，截至{_zh_date(eia.date)}" if eia.date else ""
    return Finding(
        Reason.PARK_PLAN_EIA_NOT_PASSED,
        f"所在园区（{park.name}）规划环评尚未通过审查（{state}{as_of}）",
        f"the plan EIA of {park.name} has not passed review ({eia.status.value})",
        detail,
    )


def _notice(
    kind: NoticeKind, park: Park, detail: dict[str, Any], message_zh: str, message_en: str
) -> Notice:
    return Notice(kind, message_zh, message_en, {**detail, "park": park.name})


# Declarations that exclude a project by themselves: (input field, reason, Chinese, English).
_EXCLUDING_DECLARATIONS: tuple[tuple[str, Reason, str, str], ...] = (
    (
        "in_sensitive_area",
        Reason.SENSITIVE_AREA,
        "建设地点涉及《建设项目环境影响评价分类管理名录（2021年版）》第三条所列环境敏感区，"
        "不适用告知承诺制",
        "the site touches an environmentally sensitive area (名录 article 3)",
    ),
    (
        "involves_radiation",
        Reason.RADIATION,
        "项目涉及核与辐射，辐射类项目不适用告知承诺制",
        "nuclear and radiation projects are excluded",
    ),
    (
        "bad_credit",
        Reason.BAD_CREDIT,
        "你单位存在严重失信记录，不得适用告知承诺制",
        "the applicant has a serious bad-credit record",
    ),
)


def _declarations(data: EligibilityInput) -> list[Finding]:
    """Findings from the applicant's declarations and record, in ``Reason`` order."""
    found = {
        reason: Finding(reason, zh, en)
        for attribute, reason, zh, en in _EXCLUDING_DECLARATIONS
        if getattr(data, attribute)
    }
    parts = ["含电镀工艺"] if data.has_electroplating else []
    parts += ["属于“两高一危”项目"] if data.is_two_high_one_danger else []
    if parts:
        found[Reason.ELECTROPLATING_OR_TWO_HIGH_ONE_DANGER] = Finding(
            Reason.ELECTROPLATING_OR_TWO_HIGH_ONE_DANGER,
            f"项目{'，且'.join(parts)}，不适用告知承诺制",
            "electroplating or a 两高一危 project is excluded",
            {
                "electroplating": data.has_electroplating,
                "two_high_one_danger": data.is_two_high_one_danger,
            },
        )
    if data.barred_until is not None and data.today < data.barred_until:
        until = data.barred_until
        found[Reason.REVOKED_COMMITMENT_BAR] = Finding(
            Reason.REVOKED_COMMITMENT_BAR,
            f"你单位因虚假承诺被撤销审批决定，至{_zh_date(until)}前不得适用告知承诺制",
            f"barred from the fast track until {until.isoformat()} after a revocation",
            {"barred_until": until.isoformat()},
        )
    return [found[reason] for reason in Reason if reason in found]


def _zh_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
