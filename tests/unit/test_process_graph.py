"""The standard review as a state graph: who takes each step, and what is refused."""

from __future__ import annotations

import pytest

from approvals.errors import InvalidTransition, PermissionDenied
from approvals.process.standard import (
    ACTION_LABELS,
    AUTOMATED,
    FINAL,
    HUMAN_STEP,
    TRANSITIONS,
    Action,
    Transition,
    actions_for,
    find_transition,
)
from models.enums import DocumentKind, Role, Status

S, R, A = Status, Role, Action

# (action, source, target, role, issues, needs_comment): the graph as the law and DESIGN read.
EXPECTED = {
    (A.SUBMIT, S.DRAFT, S.SUBMITTED, R.APPLICANT, None, False),
    (A.RESUBMIT, S.CORRECTION, S.SUBMITTED, R.APPLICANT, None, False),
    (A.ACCEPT, S.SUBMITTED, S.ACCEPTED, R.INTAKE_OFFICER, DocumentKind.ACCEPTANCE_NOTICE, False),
    (
        A.REQUEST_CORRECTION,
        S.SUBMITTED,
        S.CORRECTION,
        R.INTAKE_OFFICER,
        DocumentKind.CORRECTION_NOTICE,
        False,
    ),
    (A.REFUSE, S.SUBMITTED, S.NOT_ACCEPTED, R.INTAKE_OFFICER, DocumentKind.REFUSAL_NOTICE, True),
    # 行政许可法第32条: intake silent for five working days → deemed accepted (by the flow).
    (A.DEEMED_ACCEPT, S.SUBMITTED, S.ACCEPTED, None, DocumentKind.ACCEPTANCE_NOTICE, False),
    (A.START_DRAFTING, S.ACCEPTED, S.DRAFTING, None, None, False),
    (A.DRAFT, S.DRAFTING, S.REVIEWING, R.CASE_OFFICER, None, False),
    (A.RETURN_DRAFT, S.REVIEWING, S.DRAFTING, R.SECTION_CHIEF, None, True),
    (A.APPROVE_DRAFT, S.REVIEWING, S.SIGNING, R.SECTION_CHIEF, None, False),
    (A.SIGN, S.SIGNING, S.ISSUING, R.LEADER, None, False),
    (A.RETURN_FROM_SIGNING, S.SIGNING, S.DRAFTING, R.LEADER, None, True),
    (A.FINISH_APPROVAL, S.ISSUING, S.APPROVED, None, None, False),
    (A.FINISH_DENIAL, S.ISSUING, S.DENIED, None, None, False),
}
HUMAN_ROLES = list(Role)
SYSTEM_TRANSITIONS = [t for t in TRANSITIONS if t.role is None]
HUMAN_TRANSITIONS = [t for t in TRANSITIONS if t.role is not None]


def test_every_transition_has_the_expected_role_target_and_document() -> None:
    actual = {
        (t.action, t.source, t.target, t.role, t.issues, t.needs_comment) for t in TRANSITIONS
    }
    assert actual == EXPECTED
    assert len(TRANSITIONS) == len(EXPECTED)  # no duplicate (source, action) pairs


@pytest.mark.parametrize("t", HUMAN_TRANSITIONS, ids=lambda t: t.action.value)
def test_find_transition_returns_the_step_for_its_own_role(t: Transition) -> None:
    assert find_transition(t.source, t.action, t.role) is t


def test_signing_a_case_still_in_drafting_is_acting_out_of_turn() -> None:
    with pytest.raises(InvalidTransition) as raised:
        find_transition(S.DRAFTING, A.SIGN, R.LEADER)
    assert raised.value.details == {"status": "drafting", "action": "sign"}
    assert "承办拟办" in raised.value.message_zh and "领导签发" in raised.value.message_zh


@pytest.mark.parametrize("role", [*HUMAN_ROLES, None])
def test_out_of_turn_is_reported_before_the_role_is_looked_at(role: Role | None) -> None:
    with pytest.raises(InvalidTransition):
        find_transition(S.DRAFT, A.ACCEPT, role)


def test_accepting_as_the_applicant_is_permission_denied() -> None:
    with pytest.raises(PermissionDenied) as raised:
        find_transition(S.SUBMITTED, A.ACCEPT, R.APPLICANT)
    assert "'intake_officer'" in raised.value.message_en


@pytest.mark.parametrize("t", HUMAN_TRANSITIONS, ids=lambda t: t.action.value)
def test_a_human_step_is_refused_to_every_other_role_and_to_the_system(t: Transition) -> None:
    for role in [r for r in HUMAN_ROLES if r is not t.role] + [None]:
        with pytest.raises(PermissionDenied):
            find_transition(t.source, t.action, role)


@pytest.mark.parametrize("t", SYSTEM_TRANSITIONS, ids=lambda t: t.action.value)
def test_system_only_transitions_refuse_every_human_role(t: Transition) -> None:
    assert find_transition(t.source, t.action, None) is t
    for role in HUMAN_ROLES:
        with pytest.raises(PermissionDenied) as raised:
            find_transition(t.source, t.action, role)
        assert "'system'" in raised.value.message_en


def test_automated_final_and_human_states_partition_the_statuses() -> None:
    human = set(HUMAN_STEP)
    assert not (human & AUTOMATED) and not (human & FINAL) and not (AUTOMATED & FINAL)
    assert human | AUTOMATED | FINAL == set(Status)


def test_the_next_role_of_a_human_state_is_the_only_person_who_can_move_it() -> None:
    for status, role in HUMAN_STEP.items():
        people = {t.role for t in TRANSITIONS if t.source is status and t.role is not None}
        assert people == {role}, status


def test_a_human_state_leaves_by_itself_only_on_the_intake_deadline() -> None:
    timed = [(t.source, t.action) for t in SYSTEM_TRANSITIONS if t.source in HUMAN_STEP]
    assert timed == [(S.SUBMITTED, A.DEEMED_ACCEPT)]


def test_automated_states_are_left_only_by_the_system_and_final_states_not_at_all() -> None:
    for status in AUTOMATED:
        out = [t for t in TRANSITIONS if t.source is status]
        assert out and all(t.role is None for t in out)
    assert not [t for t in TRANSITIONS if t.source in FINAL]


def test_every_status_is_reachable_from_a_draft() -> None:
    reached, frontier = {S.DRAFT}, [S.DRAFT]
    while frontier:
        current = frontier.pop()
        for t in TRANSITIONS:
            if t.source is current and t.target not in reached:
                reached.add(t.target)
                frontier.append(t.target)
    assert reached == set(Status)


def test_every_action_has_a_chinese_label() -> None:
    assert set(ACTION_LABELS) == set(Action)
    assert all(label.strip() for label in ACTION_LABELS.values())


@pytest.mark.parametrize(
    ("status", "role", "expected"),
    [
        (S.DRAFT, R.APPLICANT, [A.SUBMIT]),
        (S.CORRECTION, R.APPLICANT, [A.RESUBMIT]),
        (S.SUBMITTED, R.INTAKE_OFFICER, [A.ACCEPT, A.REQUEST_CORRECTION, A.REFUSE]),
        (S.SUBMITTED, R.APPLICANT, []),
        (S.DRAFTING, R.CASE_OFFICER, [A.DRAFT]),
        (S.REVIEWING, R.SECTION_CHIEF, [A.RETURN_DRAFT, A.APPROVE_DRAFT]),
        (S.SIGNING, R.LEADER, [A.SIGN, A.RETURN_FROM_SIGNING]),
        (S.SIGNING, R.CASE_OFFICER, []),
        (S.SIGNING, R.ADMIN, []),
        (S.ISSUING, R.LEADER, []),
        (S.APPROVED, R.APPLICANT, []),
    ],
)
def test_actions_for_lists_the_buttons_a_role_gets(
    status: Status, role: Role, expected: list[Action]
) -> None:
    assert actions_for(status, role) == expected


@pytest.mark.parametrize("role", [R.AUDITOR, R.ADMIN])
def test_auditors_and_admins_take_no_step_in_any_state(role: Role) -> None:
    assert all(actions_for(status, role) == [] for status in Status)
