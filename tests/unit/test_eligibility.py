"""The commitment fast track's eligibility engine and its scope/parks data (pure, no I/O)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from approvals.catalogue.industry import validate_industry_code
from approvals.catalogue.schema import Evidence
from approvals.commitment.eligibility import (
    Eligibility,
    EligibilityInput,
    NoticeKind,
    Reason,
    assess,
)
from approvals.commitment.scope import (
    PARKS_FILE,
    SCOPE_FILE,
    CommitmentScope,
    ParkLevel,
    ParkList,
    PlanEiaStatus,
    ScopeDataError,
    load_parks,
    load_scope,
    point_in_polygon,
)
from approvals.errors import InvalidInput

TODAY = date(2025, 6, 3)
JKQ = "郑州经济技术开发区"
INSIDE_JKQ = (113.78, 34.66)  # inside 经开区 only (south of the 自贸区 经开 block)
INSIDE_XINMI = (113.38, 34.53)  # inside 河南新密经济开发区 (plan EIA not verified)
OUTSIDE_ALL = (113.60, 34.70)  # 二七区, in no listed park

ELIGIBLE = EligibilityInput(
    industry_code="C3670",
    minglu_item=71,
    document_type="report_table",
    district=JKQ,
    park_name=JKQ,
    longitude=INSIDE_JKQ[0],
    latitude=INSIDE_JKQ[1],
    in_sensitive_area=False,
    has_electroplating=False,
    is_two_high_one_danger=False,
    involves_radiation=False,
    barred_until=None,
    bad_credit=False,
    today=TODAY,
)


@pytest.fixture(scope="module")
def scope() -> CommitmentScope:
    return load_scope()


@pytest.fixture(scope="module")
def parks() -> ParkList:
    return load_parks()


def raw(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def write(tmp_path: Path, name: str, data: dict[str, Any]) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def placed(result: Eligibility) -> str:
    assert result.matched_park is not None
    return result.matched_park.name


def park_list(*parks: dict[str, Any]) -> ParkList:
    return ParkList.model_validate(
        {"version": 7, "evidence": "inferred", "sources": ["test"], "parks": list(parks)}
    )


def square_park(name: str, status: str = "passed", boundary: bool = True) -> dict[str, Any]:
    park: dict[str, Any] = {
        "name": name,
        "kind": "development_zone",
        "level": "市级",
        "districts": [JKQ],
        "evidence": "inferred",
        "plan_eia": {"status": status, "evidence": "inferred"},
    }
    if boundary:
        ring = [[113.70, 34.60], [113.80, 34.60], [113.80, 34.70], [113.70, 34.70]]
        park["boundary"] = {"evidence": "inferred", "polygons": [ring]}
    return park


# --- the eligible case -------------------------------------------------------------------


@pytest.mark.parametrize("code", ["C3670", "3670", "367", " c3670 "])
def test_auto_parts_in_the_economic_development_zone_are_eligible(code: str) -> None:
    result = assess(replace(ELIGIBLE, industry_code=code))

    assert result.eligible and result.findings == [] and result.notices == []
    assert result.matched_type is not None and result.matched_type.code == "36-1"
    assert result.matched_park is not None and result.matched_park.name == JKQ
    assert (result.scope_version, result.parks_version) == (1, 2)
    assert "在告知承诺制范围内" in result.summary_zh
    assert "汽车零部件及配件制造" in result.summary_zh and "名录第71项" in result.summary_zh


def test_eligible_without_coordinates_or_minglu_item_when_the_park_is_chosen() -> None:
    result = assess(replace(ELIGIBLE, minglu_item=None, longitude=None, latitude=None))
    assert result.eligible and result.matched_park is not None


# --- one test per reason, each alone -----------------------------------------------------

REASON_ALONE: list[tuple[str, dict[str, Any], Reason, str]] = [
    ("plastics", {"industry_code": "C2927", "minglu_item": None}, Reason.CATEGORY_NOT_IN_SCOPE,
     "项目所属行业（C2927 橡胶和塑料制品业）不在告知承诺制10大类27小类范围内"),
    ("minglu mismatch", {"minglu_item": 77}, Reason.CATEGORY_NOT_IN_SCOPE,
     "但申报的名录项目类别为第77项，两者不符"),
    ("division only", {"industry_code": "36", "minglu_item": None},
     Reason.CATEGORY_NOT_IN_SCOPE, "只填到大类"),
    ("report book", {"document_type": "report_book"}, Reason.NOT_REPORT_TABLE,
     "告知承诺制仅适用于编制环境影响报告表的项目，本项目应编制报告书"),
    ("registration form", {"document_type": "registration_form"}, Reason.NOT_REPORT_TABLE,
     "只需填报登记表"),
    ("no park", {"park_name": None, "longitude": None, "latitude": None},
     Reason.OUTSIDE_ELIGIBLE_PARKS, "建设地点不在自贸区郑州片区或市级以上产业园区内"),
    ("unlisted park", {"park_name": "某某县工业园", "longitude": None, "latitude": None},
     Reason.OUTSIDE_ELIGIBLE_PARKS, "所选园区“某某县工业园”不在告知承诺制适用园区名单中"),
    ("point outside", {"longitude": OUTSIDE_ALL[0], "latitude": OUTSIDE_ALL[1]},
     Reason.OUTSIDE_ELIGIBLE_PARKS, f"不在任何适用园区范围内，也不在所选园区“{JKQ}”范围内"),
    ("plan EIA not verified", {"park_name": None, "district": "新密市",
     "longitude": INSIDE_XINMI[0], "latitude": INSIDE_XINMI[1]},
     Reason.PARK_PLAN_EIA_UNVERIFIED, "所在园区（河南新密经济开发区）规划环评审查情况未能核实"),
    ("plan EIA under review", {"park_name": "中牟县现代服务业开发区", "district": "中牟县",
     "longitude": None, "latitude": None}, Reason.PARK_PLAN_EIA_NOT_PASSED,
     "规划环评尚未通过审查（审查中，截至2023年9月28日）"),
    ("sensitive area", {"in_sensitive_area": True}, Reason.SENSITIVE_AREA, "第三条所列环境敏感区"),
    ("electroplating", {"has_electroplating": True},
     Reason.ELECTROPLATING_OR_TWO_HIGH_ONE_DANGER, "项目含电镀工艺，不适用告知承诺制"),
    ("两高一危", {"is_two_high_one_danger": True}, Reason.ELECTROPLATING_OR_TWO_HIGH_ONE_DANGER,
     "项目属于“两高一危”项目"),
    ("radiation", {"involves_radiation": True}, Reason.RADIATION, "核与辐射"),
    ("revoked", {"barred_until": date(2027, 5, 20)}, Reason.REVOKED_COMMITMENT_BAR,
     "你单位因虚假承诺被撤销审批决定，至2027年5月20日前不得适用告知承诺制"),
    ("bad credit", {"bad_credit": True}, Reason.BAD_CREDIT, "严重失信记录"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "reason", "message"),
    [case[1:] for case in REASON_ALONE],
    ids=[case[0] for case in REASON_ALONE],
)
def test_each_reason_alone_makes_the_project_ineligible_and_says_why(
    change: dict[str, Any], reason: Reason, message: str
) -> None:
    result = assess(replace(ELIGIBLE, **change))

    assert not result.eligible
    assert result.reasons == [reason]
    assert message in result.findings[0].message_zh
    assert result.findings[0].message_en
    assert result.summary_zh.startswith("不适用告知承诺制，原因共1项：1. ")


def test_every_reason_has_a_test_alone() -> None:
    alone = {case[2] for case in REASON_ALONE} | {Reason.TYPE_SUSPENDED}  # (the next test)
    assert alone == set(Reason)


def test_a_type_the_administrator_suspended_is_refused_with_the_reason(
    scope: CommitmentScope, parks: ParkList
) -> None:
    suspended = scope.model_copy(update={"categories": tuple(
        c.model_copy(update={"types": tuple(
            t.model_copy(update={"suspended": "依市政府通知暂停"}) if t.code == "36-1" else t
            for t in c.types
        )})
        for c in scope.categories
    )})  # fmt: skip
    result = assess(ELIGIBLE, suspended, parks)
    assert result.reasons == [Reason.TYPE_SUSPENDED]
    assert "已暂停适用告知承诺制（依市政府通知暂停），请按一般程序申请" in result.summary_zh
    assert assess(ELIGIBLE, scope, parks).eligible


def test_every_applicable_reason_is_listed_in_reason_order() -> None:
    result = assess(
        replace(
            ELIGIBLE,
            industry_code="2927",
            document_type="report_book",
            district="新密市",
            park_name="河南新密经济开发区",
            longitude=None,
            latitude=None,
            in_sensitive_area=True,
            has_electroplating=True,
            is_two_high_one_danger=True,
            involves_radiation=True,
            barred_until=date(2027, 5, 20),
            bad_credit=True,
        )
    )

    assert result.reasons == [
        r for r in Reason
        if r not in (Reason.OUTSIDE_ELIGIBLE_PARKS, Reason.PARK_PLAN_EIA_NOT_PASSED,
                     Reason.TYPE_SUSPENDED)  # (excludes: the industry is out of scope)
    ]  # fmt: skip
    assert result.summary_zh.startswith("不适用告知承诺制，原因共8项：")
    both = result.findings[4].message_zh
    assert "含电镀工艺" in both and "两高一危" in both
    assert result.matched_type is None
    assert result.matched_park is not None and result.matched_park.name == "河南新密经济开发区"


def test_outside_the_parks_is_listed_with_the_other_reasons() -> None:
    result = assess(
        replace(ELIGIBLE, industry_code="C2927", park_name=None, longitude=None, latitude=None,
                bad_credit=True)
    )  # fmt: skip
    assert result.reasons == [
        Reason.CATEGORY_NOT_IN_SCOPE,
        Reason.OUTSIDE_ELIGIBLE_PARKS,
        Reason.BAD_CREDIT,
    ]


# --- the bar after a revocation ----------------------------------------------------------


@pytest.mark.parametrize(
    ("barred_until", "barred"),
    [
        (date(2025, 6, 2), False),  # in the past
        (TODAY, False),  # "至…前": the bar ends on that day
        (date(2025, 6, 4), True),
    ],
)
def test_the_bar_applies_only_before_its_end_date(barred_until: date, barred: bool) -> None:
    result = assess(replace(ELIGIBLE, barred_until=barred_until))
    assert (Reason.REVOKED_COMMITMENT_BAR in result.reasons) is barred
    assert result.eligible is not barred


# --- sites, parks and coordinates --------------------------------------------------------


def test_coordinates_win_over_the_chosen_park_and_the_mismatch_is_reported() -> None:
    result = assess(replace(ELIGIBLE, park_name="郑州上街区先进制造业开发区"))

    assert result.eligible
    assert result.matched_park is not None and result.matched_park.name == JKQ
    kinds = [notice.kind for notice in result.notices]
    assert kinds == [NoticeKind.PARK_NAME_MISMATCH]
    assert "与所选园区“郑州上街区先进制造业开发区”不符" in result.notices[0].message_zh


def test_coordinates_alone_place_the_site() -> None:
    result = assess(replace(ELIGIBLE, park_name=None))
    assert result.eligible and result.matched_park is not None
    assert result.matched_park.name == JKQ and result.notices == []


def test_a_chosen_park_containing_the_point_is_kept_where_parks_overlap() -> None:
    ftz = "中国（河南）自由贸易试验区郑州片区"
    point = {"longitude": 113.73, "latitude": 34.72}  # the FTZ's 经开 block, inside 经开区 too
    assert placed(assess(replace(ELIGIBLE, park_name=ftz, **point))) == ftz
    assert placed(assess(replace(ELIGIBLE, park_name=JKQ, **point))) == JKQ


def test_among_overlapping_parks_one_with_a_passed_plan_eia_is_preferred() -> None:
    parks = park_list(square_park("未过园区", status="not_passed"), square_park("已过园区"))
    result = assess(
        replace(ELIGIBLE, park_name=None, longitude=113.75, latitude=34.65), None, parks
    )
    assert result.eligible and placed(result) == "已过园区"
    assert result.parks_version == 7


def test_a_park_without_a_boundary_is_taken_as_declared() -> None:
    parks = park_list(square_park("无边界园区", boundary=False))
    result = assess(replace(ELIGIBLE, park_name="无边界园区"), None, parks)
    assert result.eligible
    assert [n.kind for n in result.notices] == [NoticeKind.PARK_BOUNDARY_UNKNOWN]


def test_a_park_outside_the_declared_district_is_noticed_not_refused() -> None:
    result = assess(replace(ELIGIBLE, district="管城回族区"))
    assert result.eligible
    assert [n.kind for n in result.notices] == [NoticeKind.PARK_DISTRICT_MISMATCH]


def test_parks_are_found_by_alias() -> None:
    result = assess(replace(ELIGIBLE, park_name="郑州经开区", longitude=None, latitude=None))
    assert result.eligible and placed(result) == JKQ


SQUARE = ((0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0))
# A "U": the notch x in (1, 3), y in (1, 4] is outside.
CONCAVE = ((0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (3.0, 4.0), (3.0, 1.0), (1.0, 1.0), (1.0, 4.0),
           (0.0, 4.0))  # fmt: skip


@pytest.mark.parametrize(
    ("ring", "point", "inside"),
    [
        (SQUARE, (2.0, 2.0), True),
        (SQUARE, (5.0, 2.0), False),  # outside, level with the square
        (SQUARE, (-1.0, -1.0), False),  # outside, diagonal
        (SQUARE, (0.0, 0.0), True),  # on a vertex
        (SQUARE, (4.0, 4.0), True),  # on the opposite vertex
        (SQUARE, (4.0, 2.0), True),  # on an edge
        (SQUARE, (2.0, 4.0 + 1e-6), False),  # just above the top edge
        ((*SQUARE, (0.0, 0.0)), (2.0, 2.0), True),  # an explicitly closed ring
        (CONCAVE, (2.0, 3.0), False),  # in the notch
        (CONCAVE, (2.0, 0.5), True),  # in the base
        (CONCAVE, (0.5, 3.0), True),  # in the left arm
        (CONCAVE, (3.5, 1.0), True),  # level with the notch's floor vertices, in the right arm
        (CONCAVE, (2.0, 1.0), True),  # on the notch's floor
        (CONCAVE, (-1.0, 1.0), False),  # the ray passes through two vertices
        (CONCAVE, (-1.0, 4.0), False),  # the ray runs along the top edges
    ],
)
def test_point_in_polygon(
    ring: tuple[tuple[float, float], ...], point: tuple[float, float], inside: bool
) -> None:
    assert point_in_polygon(point[0], point[1], ring) is inside


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"industry_code": "C99X"},
        {"industry_code": "9999"},  # no 大类 99
        {"document_type": "report"},
        {"district": "洛阳市"},
        {"minglu_item": 0},
        {"minglu_item": 174},
        {"longitude": None},
        {"latitude": float("nan")},
        {"longitude": 200.0},
    ],
)
def test_malformed_input_is_an_error_not_a_finding(change: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput):
        assess(replace(ELIGIBLE, **change))


# --- the scope data ----------------------------------------------------------------------


def test_scope_has_10_categories_and_27_types_all_marked_inferred(
    scope: CommitmentScope,
) -> None:
    types = list(scope.types())
    assert (len(scope.categories), len(types)) == (10, 27)
    assert (scope.counts.categories, scope.counts.types) == (10, 27)
    assert scope.evidence is Evidence.INFERRED and "Stand-in" in scope.inferred_note
    assert all(c.evidence is Evidence.INFERRED for c in scope.categories)
    assert all(t.evidence is Evidence.INFERRED for t in types)
    assert "INFERRED" in SCOPE_FILE.read_text(encoding="utf-8")
    assert scope.version >= 1 and scope.sources


def test_scope_is_keyed_to_the_2021_minglu_items_and_known_industry_codes(
    scope: CommitmentScope,
) -> None:
    items = {t.minglu_item for t in scope.types()}
    assert items == {21, 22, 24, 29, 40, 41, 69, 70, 71, 74, 76, 77, 78, 79, 82, 83}
    for scope_type in scope.types():
        for code in scope_type.gb_codes:
            assert validate_industry_code(code).group_name, code
            assert scope.type_for_code(code) is scope_type


def test_parks_include_the_ftz_and_national_zones_all_municipal_or_higher(
    parks: ParkList,
) -> None:
    names = {park.name for park in parks.parks}
    assert {
        "中国（河南）自由贸易试验区郑州片区",
        JKQ,
        "郑州高新技术产业开发区",
        "郑州航空港经济综合实验区",
    } <= names
    assert all(park.level in set(ParkLevel) for park in parks.parks)
    statuses = {park.plan_eia.status for park in parks.parks}
    assert {PlanEiaStatus.UNKNOWN, PlanEiaStatus.UNDER_REVIEW} <= statuses
    assert parks.evidence is Evidence.INFERRED


def test_every_park_boundary_is_marked_inferred_and_contains_its_own_centre(
    parks: ParkList,
) -> None:
    for park in parks.parks:
        assert park.boundary is not None and park.boundary.evidence is Evidence.INFERRED
        for ring in park.boundary.polygons:
            lon = sum(v[0] for v in ring) / len(ring)
            lat = sum(v[1] for v in ring) / len(ring)
            assert point_in_polygon(lon, lat, ring), park.name


# --- loader validation -------------------------------------------------------------------


def test_a_scope_file_that_is_not_yaml_fails_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "my_scope.yaml"
    path.write_text("version: 1\ncategories: [unclosed\n", encoding="utf-8")
    with pytest.raises(ScopeDataError, match=r"^my_scope\.yaml: cannot read"):
        load_scope(path)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["categories"].pop(), "counts say 10 categories / 27 types"),
        (lambda d: d.update(evidence="found"), "evidence must be 'inferred'"),
        (lambda d: d["categories"][0]["types"][0].update(gb_codes=["1421", "142"]), "overlaps"),
        (lambda d: d["categories"][0]["types"][1].update(gb_codes=["367"]), "not in 14"),
        (lambda d: d["categories"][0]["types"][1].update(code="14-1"), "duplicate type code"),
        (lambda d: d["categories"][0]["types"][0].update(minglu_item=174), "minglu_item"),
        (lambda d: d["categories"][0].update(code="99"), "not a GB/T 4754-2017"),
        (lambda d: d.update(surprise=1), "surprise"),
    ],
)
def test_an_inconsistent_scope_file_fails_with_its_name(
    tmp_path: Path, edit: Any, message: str
) -> None:
    data = raw(SCOPE_FILE)
    edit(data)
    with pytest.raises(ScopeDataError, match=r"^bad_scope\.yaml: ") as error:
        load_scope(write(tmp_path, "bad_scope.yaml", data))
    assert message in str(error.value)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda p: p["boundary"]["polygons"][0][0].reverse(), "swapped?"),
        (lambda p: p.update(level="县级"), "level"),
        (lambda p: p.update(districts=["洛阳市"]), "unknown districts"),
        (lambda p: p["plan_eia"].update(status="passed-ish"), "status"),
        (lambda p: p["boundary"].update(polygons=[[[113.7, 34.7], [113.8, 34.7]]]), "at least 3"),
    ],
)
def test_an_inconsistent_parks_file_fails_with_its_name(
    tmp_path: Path, edit: Any, message: str
) -> None:
    data = raw(PARKS_FILE)
    edit(data["parks"][1])
    with pytest.raises(ScopeDataError, match=r"^bad_parks\.yaml: ") as error:
        load_parks(write(tmp_path, "bad_parks.yaml", data))
    assert message in str(error.value)


def test_duplicate_park_names_or_aliases_fail(tmp_path: Path) -> None:
    data = raw(PARKS_FILE)
    data["parks"][2]["aliases"] = ["经开区"]
    with pytest.raises(ScopeDataError, match="duplicate park name or alias"):
        load_parks(write(tmp_path, "parks.yaml", data))


def test_an_administrator_can_replace_the_scope_and_parks_without_code(tmp_path: Path) -> None:
    data = raw(SCOPE_FILE)
    data["version"] = 2
    data["categories"] = [
        {"code": "29", "name_zh": "橡胶和塑料制品业", "evidence": "found",
         "types": [{"code": "29-1", "minglu_item": 53, "name_zh": "塑料制品业",
                    "gb_codes": ["292"], "evidence": "found"}]},
    ]  # fmt: skip
    data["counts"] = {"categories": 1, "types": 1}
    data["evidence"] = "found"
    scope = load_scope(write(tmp_path, "scope.yaml", data))
    parks = park_list(square_park("新园区"))

    plastics = replace(ELIGIBLE, industry_code="C2927", minglu_item=53, park_name="新园区")
    result = assess(plastics, scope, parks)
    assert result.eligible and result.scope_version == 2
    assert assess(ELIGIBLE, scope, parks).reasons == [Reason.CATEGORY_NOT_IN_SCOPE]


# --- the park's plan EIA: its date, and only confirmed facts stated -----------------------

SHANGJIE = "郑州上街区先进制造业开发区"  # plan EIA passed on 2023-08-07 (found, with a source)
AT_SHANGJIE = {"park_name": SHANGJIE, "district": "上街区", "longitude": None, "latitude": None}


def test_a_plan_eia_passed_after_the_application_date_does_not_allow_the_fast_track() -> None:
    before = assess(replace(ELIGIBLE, **AT_SHANGJIE, today=date(2023, 8, 6)))
    assert before.reasons == [Reason.PARK_PLAN_EIA_NOT_PASSED]
    assert before.findings[0].message_zh == (
        f"所在园区（{SHANGJIE}）规划环评于2023年8月7日通过审查，申请日（2023年8月6日）尚未通过审查"
    )
    on_the_day = assess(replace(ELIGIBLE, **AT_SHANGJIE, today=date(2023, 8, 7)))
    assert on_the_day.eligible
    assert on_the_day.summary_zh.endswith(f"{SHANGJIE}（省级，规划环评已于2023年8月7日通过审查）")


def test_an_assumed_plan_eia_pass_is_never_stated() -> None:
    result = assess(ELIGIBLE)  # 经开区: passed is the parks file's inference, no date
    assert result.eligible and "规划环评" not in result.summary_zh
    assert result.summary_zh.endswith(f"建设地点位于{JKQ}（国家级）")


def test_an_unconfirmed_negative_status_is_said_to_be_unverified_not_stated() -> None:
    parks = park_list(square_park("推定未过园区", status="not_passed"))  # evidence inferred
    result = assess(replace(ELIGIBLE, park_name="推定未过园区"), None, parks)
    assert result.reasons == [Reason.PARK_PLAN_EIA_UNVERIFIED]
    assert "审查情况未能核实" in result.findings[0].message_zh
    assert "未通过" not in result.findings[0].message_zh


def test_a_placeholder_plan_eia_status_does_not_load(tmp_path: Path) -> None:
    data = raw(PARKS_FILE)
    xinmi = next(p for p in data["parks"] if p["name"] == "河南新密经济开发区")
    xinmi["plan_eia"] |= {"status": "not_passed", "note": "PLACEHOLDER to exercise the rule"}
    with pytest.raises(ScopeDataError, match="placeholder"):
        load_parks(write(tmp_path, "parks.yaml", data))


def test_no_park_states_a_placeholder(parks: ParkList) -> None:
    for park in parks.parks:
        assert "placeholder" not in park.plan_eia.note.lower(), park.name
        if not park.plan_eia.confirmed:
            assert park.plan_eia.label() in ("", "规划环评审查情况未能核实"), park.name
