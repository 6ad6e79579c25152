"""The expert panel draw: conflicts, specialty coverage, the chair, determinism with the seed,
replay from the record, replacement after a decline, and draws that cannot be satisfied."""

from __future__ import annotations

import dataclasses
import random
from functools import cache

import pytest

from approvals.catalogue import Catalogue
from approvals.errors import InvalidInput
from approvals.joint_review.expert_draw import (
    EXCLUSION_REASONS,
    SIZE_TOO_SMALL,
    SPECIALTIES,
    SPECIALTY_LABELS,
    TOO_FEW,
    UNCOVERED,
    Candidate,
    DrawImpossible,
    DrawRecord,
    DrawRequest,
    DrawResult,
    Exclusion,
    default_size,
    draw,
    replace,
    replacement_seed,
    replay,
    replay_replacement,
    seniority,
)
from approvals.joint_review.expert_pool import POOL_FILE, expert_groups, load_pool_file

APPLICANT = "郑州绿源精密机械有限公司"
CONSULTANT = "河南中环评价咨询有限公司"


@cache
def reference_pool() -> tuple[Candidate, ...]:
    """The packaged fictional pool, ids 1..48 in file order."""
    return tuple(
        Candidate(
            expert_id=n,
            name=e["name"],
            employer=e["employer"],
            specialties=frozenset(e["specialties"]),
            group_no=e["group"],
            available=e["available"],
            title=e["title"],
        )
        for n, e in enumerate(load_pool_file(), start=1)
    )


def expert(
    expert_id: int,
    *specialties: str,
    employer: str = "郑州大学",
    title: str = "高级工程师",
    available: bool = True,
) -> Candidate:
    return Candidate(
        expert_id=expert_id,
        name=f"专家{expert_id}",
        employer=employer,
        specialties=frozenset(specialties or ("eia_generalist",)),
        group_no=1,
        available=available,
        title=title,
    )


def request(
    size: int = 3,
    needed: tuple[str, ...] = (),
    seed: int = 7,
    previous: frozenset[int] = frozenset(),
    exclude: frozenset[int] = frozenset(),
) -> DrawRequest:
    return DrawRequest(
        size=size,
        needed=needed,
        seed=seed,
        applicant_employers=frozenset({APPLICANT, CONSULTANT}),
        previous_panel_experts=previous,
        exclude_ids=exclude,
    )


def reasons(result: DrawResult) -> dict[int, str]:
    return {e.expert_id: e.reason for e in result.excluded}


# --- the reference pool -------------------------------------------------------------------


def test_the_reference_pool_is_a_fictional_pool_of_eight_named_groups() -> None:
    experts = load_pool_file()
    assert len(experts) == 48
    assert sorted(expert_groups()) == list(range(1, 9))
    assert {e["group"] for e in experts} == set(range(1, 9))
    assert {s for e in experts for s in e["specialties"]} == set(SPECIALTIES)
    assert sum(not e["available"] for e in experts) >= 3
    assert sum(e["employer"] == CONSULTANT for e in experts) >= 2
    assert all(seniority(e["title"]) <= 1 for e in experts)
    text = POOL_FILE.read_text(encoding="utf-8")
    assert "FICTIONAL" in text and "fictional: true" in text


def test_every_specialty_and_exclusion_reason_has_a_chinese_label() -> None:
    assert set(SPECIALTY_LABELS) == set(SPECIALTIES)
    assert set(EXCLUSION_REASONS) == {"unavailable", "same_employer", "previous_panel", "declined"}


# --- conflicts (回避) ---------------------------------------------------------------------


def test_unavailable_experts_are_excluded_with_a_reason() -> None:
    pool = [expert(i) for i in range(1, 6)] + [expert(6, available=False)]
    result = draw(pool, request())
    assert 6 not in result.candidates and 6 not in result.members
    assert reasons(result) == {6: "unavailable"}
    assert result.excluded[0].message_zh == "专家6（郑州大学）：暂不可抽取"


def test_experts_working_for_the_applicant_or_its_consultant_are_excluded() -> None:
    pool = [expert(i) for i in range(1, 5)]
    pool += [expert(5, employer=CONSULTANT), expert(6, employer=f" {APPLICANT} ")]
    pool += [expert(7, employer="河南中环评价咨询(有限公司)")]
    result = draw(pool, request(exclude=frozenset()))
    assert reasons(result) == {5: "same_employer", 6: "same_employer"}
    odd = DrawRequest(3, (), 7, frozenset({"河南中环评价咨询（有限公司）"}), frozenset())
    assert reasons(draw(pool, odd)) == {7: "same_employer"}  # full/half-width brackets


def test_experts_on_an_earlier_panel_for_the_project_are_excluded() -> None:
    pool = [expert(i) for i in range(1, 7)]
    result = draw(pool, request(previous=frozenset({2, 4})))
    assert reasons(result) == {2: "previous_panel", 4: "previous_panel"}
    assert result.candidates == (1, 3, 5, 6)


def test_excluded_ids_are_recorded_as_declined() -> None:
    pool = [expert(i) for i in range(1, 6)]
    result = draw(pool, request(exclude=frozenset({3})))
    assert reasons(result) == {3: "declined"}


def test_an_expert_with_several_conflicts_records_the_first_reason() -> None:
    pool = [expert(i) for i in range(1, 5)] + [expert(5, employer=CONSULTANT, available=False)]
    result = draw(pool, request(previous=frozenset({5}), exclude=frozenset({5})))
    assert reasons(result) == {5: "unavailable"}


def test_the_reference_pool_excludes_the_demo_consultants_experts() -> None:
    result = draw(reference_pool(), request(size=5, needed=("air", "water")))
    consultants = {c.expert_id for c in reference_pool() if c.employer == CONSULTANT}
    assert consultants and all(reasons(result)[i] == "same_employer" for i in consultants)
    assert not consultants & set(result.members)


# --- coverage and the chair ---------------------------------------------------------------


@pytest.mark.parametrize("seed", range(40))
def test_every_needed_specialty_is_covered(seed: int) -> None:
    pool = reference_pool()
    needed = ("radiation", "air", "water", "environmental_risk")
    result = draw(pool, request(size=5, needed=needed, seed=seed))
    by_id = {c.expert_id: c for c in pool}
    covered = {s for m in result.members for s in by_id[m].specialties}
    assert set(needed) <= covered
    assert len(set(result.members)) == 5 and set(result.members) <= set(result.candidates)


def test_coverage_is_drawn_first_in_the_fixed_order() -> None:
    pool = [expert(1, "water"), expert(2, "air"), *(expert(i) for i in range(3, 9))]
    for seed in range(20):
        members = draw(pool, request(needed=("water", "air"), seed=seed)).members
        assert members[:2] == (2, 1)  # air before water, whatever order the request names


def test_the_chair_is_the_most_senior_title_and_ties_go_to_the_earlier_drawn() -> None:
    assert [seniority(t) for t in ("正高级工程师", "教授", "研究员", "高级工程师", "副教授")] == [
        0,
        0,
        0,
        1,
        1,
    ]
    pool = [
        expert(1, "air", title="高级工程师"),
        expert(2, "water", title="教授"),
        expert(3, "noise", title="研究员"),
        expert(4, title="高级工程师"),
    ]
    result = draw(pool, request(needed=("air", "water", "noise")))
    assert result.members == (1, 2, 3)
    assert result.chair == 2  # 教授 and 研究员 tie; 2 was drawn before 3
    juniors = [expert(i, title="高级工程师") for i in range(1, 4)]
    only = draw(juniors, request())
    assert only.chair == only.members[0]


# --- determinism and replay ---------------------------------------------------------------


def test_the_same_seed_gives_the_same_panel_and_another_seed_another() -> None:
    pool = reference_pool()
    first = draw(pool, request(size=5, needed=("air",), seed=2021))
    assert draw(pool, request(size=5, needed=("air",), seed=2021)) == first
    others = {draw(pool, request(size=5, needed=("air",), seed=s)).members for s in range(5)}
    assert len(others) > 1


def test_the_draw_does_not_depend_on_the_order_of_the_pool_or_of_the_needs() -> None:
    pool = reference_pool()
    shuffled = list(pool)
    random.Random(1).shuffle(shuffled)
    forward = draw(pool, request(size=5, needed=("air", "ecology"), seed=99))
    assert draw(shuffled, request(size=5, needed=("ecology", "air", "air"), seed=99)) == forward


def test_a_pinned_draw_is_the_same_on_every_machine() -> None:
    needed = ("radiation", "water", "air")
    result = draw(reference_pool(), request(size=5, needed=needed, seed=12345))
    assert result.members == (5, 7, 38, 32, 19)  # air, water, radiation, then two at random
    assert result.chair == 7  # 教授 赵文华 ties 正高级工程师 钟晓红 (38) and was drawn first
    assert replacement_seed(12345, 5) == 680461678


def test_replay_from_the_recorded_seed_and_candidates_gives_the_same_panel() -> None:
    pool = reference_pool()
    req = request(size=5, needed=("soil_groundwater", "ecology"), seed=424242)
    result = draw(pool, req)
    record = DrawRecord.of(req, result)
    assert replay(pool, record) == result
    # later changes to the pool do not change the replay: it does not screen again
    later = [dataclasses.replace(c, available=c.expert_id not in result.members) for c in pool]
    assert replay(later, record).members == result.members
    stored = DrawRecord(record.seed, record.size, record.needed_specialties, record.candidates)
    assert replay(pool, stored).members == result.members  # JSON excluded is optional


def test_replay_refuses_a_candidate_missing_from_the_pool() -> None:
    record = DrawRecord(1, 3, (), (1, 2, 3, 99))
    with pytest.raises(InvalidInput, match="99"):
        replay([expert(i) for i in range(1, 4)], record)


def test_exclusions_round_trip_through_their_json_record() -> None:
    exclusion = Exclusion(4, "previous_panel", "专家4（郑州大学）：曾参加本项目评审")
    assert Exclusion.from_record(exclusion.as_record()) == exclusion


# --- replacement after a decline ----------------------------------------------------------


def test_a_replacement_is_deterministic_and_covers_what_only_the_decliner_covered() -> None:
    pool = reference_pool()
    req = request(size=5, needed=("radiation", "air"), seed=2026)
    result = draw(pool, req)
    by_id = {c.expert_id: c for c in pool}
    radiologist = next(m for m in result.members if "radiation" in by_id[m].specialties)
    first = replace(pool, req, result, radiologist)
    assert replace(pool, req, result, radiologist) == first
    assert first.seed == replacement_seed(2026, radiologist)
    assert first.must_cover == ("radiation",)
    assert "radiation" in by_id[first.expert_id].specialties
    assert first.expert_id not in result.members and first.expert_id in first.candidates
    assert radiologist not in first.panel.members and len(first.panel.members) == 5
    assert first.panel.members[-1] == first.expert_id
    assert reasons(first.panel)[radiologist] == "declined"
    assert first.panel.seed == result.seed and first.panel.candidates == result.candidates
    again = replay_replacement(pool, req.needed, result, radiologist, first.candidates)
    assert again == first


def test_a_replacement_keeps_the_chair_unless_the_chair_declined() -> None:
    pool = reference_pool()
    req = request(size=5, needed=("water",), seed=8)
    result = draw(pool, req)
    other = next(m for m in result.members if m != result.chair)
    assert replace(pool, req, result, other).panel.chair == result.chair
    new_chair = replace(pool, req, result, result.chair).panel
    assert new_chair.chair != result.chair and new_chair.chair in new_chair.members


def test_a_second_decline_keeps_the_first_decliner_out() -> None:
    pool = [expert(i) for i in range(1, 6)]
    req = request(seed=3)
    result = draw(pool, req)
    first = replace(pool, req, result, result.members[0])
    second = replace(pool, req, first.panel, first.panel.members[0])
    assert result.members[0] not in second.panel.members
    assert set(second.panel.members) <= set(range(1, 6)) and len(second.panel.members) == 3
    assert {result.members[0], first.panel.members[0]} <= set(reasons(second.panel))


def test_a_replacement_that_cannot_keep_coverage_fails_naming_the_specialty() -> None:
    pool = [expert(1, "radiation"), *(expert(i) for i in range(2, 6))]
    req = request(needed=("radiation",))
    result = draw(pool, req)
    with pytest.raises(DrawImpossible) as raised:
        replace(pool, req, result, 1)
    assert raised.value.constraint == UNCOVERED
    assert "所需专业「核与辐射」" in raised.value.message_zh


def test_replacing_an_expert_who_is_not_on_the_panel_is_refused() -> None:
    pool = [expert(i) for i in range(1, 6)]
    result = draw(pool, request())
    outsider = next(i for i in range(1, 6) if i not in result.members)
    with pytest.raises(InvalidInput) as raised:
        replace(pool, request(), result, outsider)
    assert "不是本专家组成员" in raised.value.message_zh


# --- draws that cannot be satisfied, bad requests ------------------------------------------


def test_too_few_eligible_experts_fail_saying_how_many_and_why() -> None:
    pool = [expert(1), expert(2), expert(3, employer=CONSULTANT), expert(4, available=False)]
    with pytest.raises(DrawImpossible) as raised:
        draw(pool, request(size=5, previous=frozenset({2})))
    error = raised.value
    assert error.constraint == TOO_FEW and error.code == "draw_impossible"
    assert "符合条件的专家1人，少于所需5人" in error.message_zh
    assert "与申请人或其环评单位同单位1人" in error.message_zh
    assert "曾参加本项目评审1人" in error.message_zh and "暂不可抽取1人" in error.message_zh
    assert error.details["exclusions"]["same_employer"] == 1
    assert isinstance(error, InvalidInput)  # so the API answers 422


def test_a_needed_specialty_no_eligible_expert_covers_fails_naming_it() -> None:
    pool = [expert(1, "radiation", employer=CONSULTANT), *(expert(i, "water") for i in range(2, 6))]
    with pytest.raises(DrawImpossible) as raised:
        draw(pool, request(needed=("radiation", "water")))
    assert raised.value.constraint == UNCOVERED
    assert "所需专业「核与辐射」" in raised.value.message_zh
    assert "radiation" in str(raised.value)
    assert raised.value.details["specialties"] == ["radiation"]


def test_more_specialties_than_seats_fail_when_no_one_covers_several() -> None:
    pool = [expert(i, s) for i, s in enumerate(SPECIALTIES[:4], start=1)]
    with pytest.raises(DrawImpossible) as raised:
        draw(pool, request(needed=SPECIALTIES[:4]))
    assert raised.value.constraint == SIZE_TOO_SMALL


@pytest.mark.parametrize("size", [0, 1, 2, 4, 6])
def test_an_even_or_too_small_panel_is_refused(size: int) -> None:
    with pytest.raises(InvalidInput) as raised:
        draw([expert(i) for i in range(1, 9)], request(size=size))
    assert "不少于3人的奇数" in raised.value.message_zh
    assert not isinstance(raised.value, DrawImpossible)


def test_an_unknown_specialty_or_a_seed_out_of_range_is_refused() -> None:
    pool = [expert(i) for i in range(1, 6)]
    with pytest.raises(InvalidInput, match="unknown specialty"):
        draw(pool, request(needed=("geology",)))
    with pytest.raises(InvalidInput, match="seed must be in"):
        draw(pool, request(seed=-1))
    with pytest.raises(InvalidInput, match="duplicate expert ids"):
        draw([*pool, expert(1)], request())


# --- default sizes ------------------------------------------------------------------------


def test_default_sizes_are_five_for_a_report_book_and_three_otherwise(
    catalogue: Catalogue,
) -> None:
    assert default_size("EIA-01", catalogue.get("EIA-01").name_zh) == 5
    assert default_size("EIA-02", catalogue.get("EIA-02").name_zh) == 3
    assert default_size("OT-04", catalogue.get("OT-04").name_zh) == 3
    for item in catalogue.items:
        size = default_size(item.code, item.name_zh)
        assert size % 2 == 1 and size == (5 if "报告书" in item.name_zh else 3)
