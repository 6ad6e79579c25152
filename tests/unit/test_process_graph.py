"""The process kinds as state graphs: who takes each step, and what is refused."""

from __future__ import annotations

import pytest

from approvals.catalogue.process.standard import (
    ACTION_LABELS,
    AUTOMATED,
    DECISION,
    FINAL,
    HUMAN_STEP,
    TRANSITIONS,
    Action,
    Transition,
    actions_for,
    find_transition,
)
from approvals.errors import InvalidTransition, PermissionDenied
from models.enums import DocumentKind, ProcessKind, Role, Status

S, R, A, D = Status, Role, Action, DocumentKind
STD, FIL, SRV, COM = (
    ProcessKind.STANDARD,
    ProcessKind.FILING,
    ProcessKind.SERVICE,
    ProcessKind.COMMITMENT,
)

# (action, source, target, role, document issued, needs a comment, kinds): the graphs as the
# law reads (行政许可法第32条 for intake, 第38条 for decisions) and DESIGN lays them out.
EXPECTED = [
    (A.SUBMIT, S.DRAFT, S.SUBMITTED, R.APPLICANT, None, False, {STD, SRV, COM}),
    (A.RESUBMIT, S.CORRECTION, S.SUBMITTED, R.APPLICANT, None, False, {STD, SRV, COM}),
    (A.ACCEPT, S.SUBMITTED, S.ACCEPTED, R.INTAKE_OFFICER, D.ACCEPTANCE_NOTICE, False, {STD, COM}),
    (
        A.REQUEST_CORRECTION,
        S.SUBMITTED,
        S.CORRECTION,
        R.INTAKE_OFFICER,
        D.CORRECTION_NOTICE,
        False,
        {STD, SRV, COM},
    ),
    (
        A.REFUSE,
        S.SUBMITTED,
        S.NOT_ACCEPTED,
        R.INTAKE_OFFICER,
        D.REFUSAL_NOTICE,
        True,
        {STD, SRV, COM},
    ),
    # intake silent for five working days: deemed accepted, by the flow
    (A.DEEMED_ACCEPT, S.SUBMITTED, S.ACCEPTED, None, D.ACCEPTANCE_NOTICE, False, {STD}),
    (A.START_DRAFTING, S.ACCEPTED, S.DRAFTING, None, None, False, {STD}),
    (A.DRAFT, S.DRAFTING, S.REVIEWING, R.CASE_OFFICER, None, False, {STD}),
    (A.RETURN_DRAFT, S.REVIEWING, S.DRAFTING, R.SECTION_CHIEF, None, True, {STD}),
    (A.APPROVE_DRAFT, S.REVIEWING, S.SIGNING, R.SECTION_CHIEF, None, False, {STD}),
    # 签发 issues the decision: the 批复 or the 不予批准决定书 by the drafted outcome; the fast
    # track's own 告知承诺制审批决定
    (A.SIGN, S.SIGNING, S.ISSUING, R.LEADER, DECISION, False, {STD}),
    (A.SIGN, S.SIGNING, S.ISSUING, R.LEADER, D.COMMITMENT_DECISION, False, {COM}),
    (A.RETURN_FROM_SIGNING, S.SIGNING, S.DRAFTING, R.LEADER, None, True, {STD}),
    (A.FINISH_APPROVAL, S.ISSUING, S.APPROVED, None, None, False, {STD}),
    (A.FINISH_DENIAL, S.ISSUING, S.DENIED, None, None, False, {STD}),
    (A.FILE, S.DRAFT, S.FILING, R.APPLICANT, D.FILING_RECEIPT, False, {FIL}),
    (A.FINISH_FILING, S.FILING, S.FILED, None, None, False, {FIL}),
    (A.ACCEPT_SERVICE, S.SUBMITTED, S.ANSWERING, R.INTAKE_OFFICER, None, False, {SRV}),
    (A.ANSWER, S.ANSWERING, S.ISSUING, R.CASE_OFFICER, D.REPLY_LETTER, False, {SRV}),
    (A.FINISH_ANSWER, S.ISSUING, S.ANSWERED, None, None, False, {SRV}),
    (A.START_SIGNING, S.ACCEPTED, S.SIGNING, None, None, False, {COM}),
    (A.FINISH_COMMITMENT, S.ISSUING, S.POST_CHECK, None, None, False, {COM}),
    (A.CHECK_CONFORMS, S.POST_CHECK, S.CLOSED, R.CASE_OFFICER, None, False, {COM}),
    (A.CHECK_FAILS, S.POST_CHECK, S.REVOKING, R.CASE_OFFICER, D.REVOCATION_DECISION, True, {COM}),
    (A.FINISH_REVOCATION, S.REVOKING, S.REVOKED, None, None, False, {COM}),
    # joint review (远程会审): the panel, then the applicant's revision, then the chair
    (A.START_JOINT_REVIEW, S.DRAFTING, S.JOINT_REVIEW, R.CASE_OFFICER, None, False, {STD}),
    (A.CLOSE_REVIEW_PASS, S.JOINT_REVIEW, S.DRAFTING, R.EXPERT, D.EXPERT_OPINION, False, {STD}),
    (A.CLOSE_REVIEW_REVISE, S.JOINT_REVIEW, S.REVISION, R.EXPERT, D.EXPERT_OPINION, False, {STD}),
    (A.SUBMIT_REVISION, S.REVISION, S.REVISION_REVIEW, R.APPLICANT, None, False, {STD}),
    (A.CONFIRM_REVISION, S.REVISION_REVIEW, S.DRAFTING, R.EXPERT, None, False, {STD}),
    (A.REJECT_REVISION, S.REVISION_REVIEW, S.REVISION, R.EXPERT, None, True, {STD}),
    # ineligible for the fast track: converted to the standard review by the system
    (A.CONVERT, S.DRAFT, S.SUBMITTED, None, D.CONVERSION_NOTICE, False, {COM}),
    (A.CONVERT, S.CORRECTION, S.SUBMITTED, None, D.CONVERSION_NOTICE, False, {COM}),
    (A.WITHDRAW, S.DRAFT, S.WITHDRAWN, R.APPLICANT, None, False, {STD, FIL, SRV, COM}),
    (A.RETURN_UNSUPPLIED, S.DRAFTING, S.RETURNED, None, None, False, {STD}),  # 容缺受理 退件
    (A.RETURN_UNSUPPLIED, S.REVIEWING, S.RETURNED, None, None, False, {STD}),
    (A.RETURN_UNSUPPLIED, S.SIGNING, S.RETURNED, None, None, False, {STD}),
]
HUMAN_ROLES = list(Role)
SYSTEM_TRANSITIONS = [t for t in TRANSITIONS if t.role is None]
HUMAN_TRANSITIONS = [t for t in TRANSITIONS if t.role is not None]


def _kind(t: Transition) -> ProcessKind:
    return sorted(t.kinds)[0]


def test_every_transition_has_the_expected_role_target_document_and_kinds() -> None:
    actual = {
        (t.action, t.source, t.target, t.role, t.issues, t.needs_comment, frozenset(t.kinds))
        for t in TRANSITIONS
    }
    assert actual == {(*e[:6], frozenset(e[6])) for e in EXPECTED}
    assert len(TRANSITIONS) == len(EXPECTED)


def test_no_kind_has_two_transitions_for_the_same_action_from_the_same_state() -> None:
    keys = [(kind, t.source, t.action) for t in TRANSITIONS for kind in t.kinds]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("t", HUMAN_TRANSITIONS, ids=lambda t: t.action.value)
def test_find_transition_returns_the_step_for_its_own_role(t: Transition) -> None:
    for kind in t.kinds:
        assert find_transition(t.source, t.action, t.role, kind) is t


def test_signing_a_case_still_in_drafting_is_acting_out_of_turn() -> None:
    with pytest.raises(InvalidTransition) as raised:
        find_transition(S.DRAFTING, A.SIGN, R.LEADER)
    assert raised.value.details == {"status": "drafting", "action": "sign"}
    assert "承办拟办" in raised.value.message_zh and "领导签发" in raised.value.message_zh


@pytest.mark.parametrize("role", [*HUMAN_ROLES, None])
def test_out_of_turn_is_reported_before_the_role_is_looked_at(role: Role | None) -> None:
    with pytest.raises(InvalidTransition):
        find_transition(S.DRAFT, A.ACCEPT, role)


@pytest.mark.parametrize(
    ("source", "action", "role", "kind"),
    [
        (S.SUBMITTED, A.ACCEPT, R.INTAKE_OFFICER, SRV),  # a service request is not 受理'd
        (S.SUBMITTED, A.ACCEPT_SERVICE, R.INTAKE_OFFICER, STD),
        (S.DRAFT, A.SUBMIT, R.APPLICANT, FIL),  # a filing is filed, not submitted for review
        (S.DRAFT, A.FILE, R.APPLICANT, STD),
        (S.SUBMITTED, A.DEEMED_ACCEPT, None, SRV),
        (S.ISSUING, A.FINISH_APPROVAL, None, SRV),
        (S.ISSUING, A.FINISH_ANSWER, None, STD),
    ],
)
def test_a_step_of_another_process_kind_is_out_of_turn(
    source: Status, action: Action, role: Role | None, kind: ProcessKind
) -> None:
    with pytest.raises(InvalidTransition):
        find_transition(source, action, role, kind)


def test_accepting_as_the_applicant_is_permission_denied() -> None:
    with pytest.raises(PermissionDenied) as raised:
        find_transition(S.SUBMITTED, A.ACCEPT, R.APPLICANT)
    assert "'intake_officer'" in raised.value.message_en


@pytest.mark.parametrize("t", HUMAN_TRANSITIONS, ids=lambda t: t.action.value)
def test_a_human_step_is_refused_to_every_other_role_and_to_the_system(t: Transition) -> None:
    for role in [r for r in HUMAN_ROLES if r is not t.role] + [None]:
        with pytest.raises(PermissionDenied):
            find_transition(t.source, t.action, role, _kind(t))


@pytest.mark.parametrize("t", SYSTEM_TRANSITIONS, ids=lambda t: t.action.value)
def test_system_only_transitions_refuse_every_human_role(t: Transition) -> None:
    assert find_transition(t.source, t.action, None, _kind(t)) is t
    for role in HUMAN_ROLES:
        with pytest.raises(PermissionDenied) as raised:
            find_transition(t.source, t.action, role, _kind(t))
        assert "'system'" in raised.value.message_en


def test_automated_final_and_human_states_partition_the_statuses() -> None:
    human = set(HUMAN_STEP)
    assert not (human & AUTOMATED) and not (human & FINAL) and not (AUTOMATED & FINAL)
    assert human | AUTOMATED | FINAL == set(Status)


def test_the_next_role_of_a_human_state_is_the_only_person_who_can_move_it() -> None:
    for status, role in HUMAN_STEP.items():
        people = {t.role for t in TRANSITIONS if t.source is status and t.role is not None}
        assert people == {role}, status


def test_a_human_state_leaves_by_itself_only_on_the_intake_or_the_tolerance_deadline() -> None:
    timed = [(t.source, t.action) for t in SYSTEM_TRANSITIONS if t.source in HUMAN_STEP]
    assert timed == [
        (S.SUBMITTED, A.DEEMED_ACCEPT),
        (S.DRAFT, A.CONVERT),  # eligibility fails at submission: converted at once
        (S.CORRECTION, A.CONVERT),  # … or when it is resubmitted after a correction
        # 容缺受理: the owed materials did not arrive by the rule's deadline (退件)
        (S.DRAFTING, A.RETURN_UNSUPPLIED),
        (S.REVIEWING, A.RETURN_UNSUPPLIED),
        (S.SIGNING, A.RETURN_UNSUPPLIED),
    ]


def test_automated_states_are_left_only_by_the_system_and_final_states_not_at_all() -> None:
    for status in AUTOMATED:
        out = [t for t in TRANSITIONS if t.source is status]
        assert out and all(t.role is None for t in out)
    assert not [t for t in TRANSITIONS if t.source in FINAL]


@pytest.mark.parametrize(
    ("kind", "finals"),
    [
        (STD, {S.NOT_ACCEPTED, S.APPROVED, S.DENIED, S.WITHDRAWN, S.RETURNED}),
        (FIL, {S.FILED, S.WITHDRAWN}),
        (SRV, {S.NOT_ACCEPTED, S.ANSWERED, S.WITHDRAWN}),
        (COM, {S.NOT_ACCEPTED, S.CLOSED, S.REVOKED, S.WITHDRAWN}),
    ],
)
def test_each_kind_gets_from_a_draft_to_its_own_final_states(
    kind: ProcessKind, finals: set[Status]
) -> None:
    reached, frontier = {S.DRAFT}, [S.DRAFT]
    while frontier:
        current = frontier.pop()
        for t in TRANSITIONS:
            if kind in t.kinds and t.source is current and t.target not in reached:
                reached.add(t.target)
                frontier.append(t.target)
    assert reached & FINAL == finals


def test_every_action_has_a_chinese_label() -> None:
    assert set(ACTION_LABELS) == set(Action)
    assert all(label.strip() for label in ACTION_LABELS.values())


@pytest.mark.parametrize(
    ("status", "role", "kind", "expected"),
    [
        (S.DRAFT, R.APPLICANT, STD, [A.SUBMIT, A.WITHDRAW]),
        (S.DRAFT, R.APPLICANT, FIL, [A.FILE, A.WITHDRAW]),
        (S.CORRECTION, R.APPLICANT, STD, [A.RESUBMIT]),
        (S.SUBMITTED, R.INTAKE_OFFICER, STD, [A.ACCEPT, A.REQUEST_CORRECTION, A.REFUSE]),
        (S.SUBMITTED, R.INTAKE_OFFICER, SRV, [A.REQUEST_CORRECTION, A.REFUSE, A.ACCEPT_SERVICE]),
        (S.SUBMITTED, R.APPLICANT, STD, []),
        (S.DRAFTING, R.CASE_OFFICER, STD, [A.DRAFT, A.START_JOINT_REVIEW]),
        (S.ANSWERING, R.CASE_OFFICER, SRV, [A.ANSWER]),
        (S.REVIEWING, R.SECTION_CHIEF, STD, [A.RETURN_DRAFT, A.APPROVE_DRAFT]),
        (S.SIGNING, R.LEADER, STD, [A.SIGN, A.RETURN_FROM_SIGNING]),
        (S.SIGNING, R.CASE_OFFICER, STD, []),
        (S.ISSUING, R.LEADER, STD, []),
        (S.APPROVED, R.APPLICANT, STD, []),
    ],
)
def test_actions_for_lists_the_buttons_a_role_gets(
    status: Status, role: Role, kind: ProcessKind, expected: list[Action]
) -> None:
    assert actions_for(status, role, kind) == expected


def test_actions_for_defaults_to_the_standard_process() -> None:
    assert actions_for(S.DRAFT, R.APPLICANT) == [A.SUBMIT, A.WITHDRAW]


@pytest.mark.parametrize("role", [R.AUDITOR, R.ADMIN])
def test_auditors_and_admins_take_no_step_in_any_state(role: Role) -> None:
    assert all(actions_for(s, role, k) == [] for s in Status for k in (STD, FIL, SRV))
