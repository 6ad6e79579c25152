"""The process kinds as explicit state graphs (no I/O).

standard: submitted → intake: accept | request correction (补正, one complete list) | refuse
(不予受理); accepted (automated: 受理通知书) → drafting (承办) → reviewing (审核) → signing
(签发) → issuing (automated: number, render, store, mail) → approved | denied.
filing: submitted → filing (automated: 备案回执 with a filing number) → filed.
service: submitted → intake: accept | correction | refuse → answering (承办答复) → issuing
(automated: 答复书) → answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from approvals.errors import InvalidTransition, PermissionDenied
from models.enums import STATUS_LABELS, DocumentKind, Outcome, ProcessKind, Role, Status


class Action(StrEnum):
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    RESUBMIT = "resubmit"
    ACCEPT = "accept"
    REQUEST_CORRECTION = "request_correction"
    REFUSE = "refuse"
    DEEMED_ACCEPT = "deemed_accept"  # system: intake missed its 5 working days (§32)
    START_DRAFTING = "start_drafting"  # system, after the acceptance notice is issued
    DRAFT = "draft"
    RETURN_DRAFT = "return_draft"
    APPROVE_DRAFT = "approve_draft"
    SIGN = "sign"
    RETURN_FROM_SIGNING = "return_from_signing"
    FINISH_APPROVAL = "finish_approval"  # system, after the 批复 is issued
    FINISH_DENIAL = "finish_denial"  # system, after the 不予批准决定书 is issued
    FILE = "file"  # filing kind: the applicant submits, the receipt follows at once
    FINISH_FILING = "finish_filing"  # system, after the 备案回执 is issued
    ACCEPT_SERVICE = "accept_service"  # service kind: intake takes it and assigns it
    ANSWER = "answer"  # service kind: the case officer answers
    FINISH_ANSWER = "finish_answer"  # system, after the 答复书 is issued
    START_SIGNING = "start_signing"  # commitment: after the 受理通知书, straight to the decision
    FINISH_COMMITMENT = "finish_commitment"  # commitment: decision issued, post-check opens
    CHECK_CONFORMS = "check_conforms"  # commitment: the post-approval check found no problem
    CHECK_FAILS = "check_fails"  # commitment: the commitment was false → revocation
    FINISH_REVOCATION = "finish_revocation"  # commitment: 撤销决定书 issued
    CONVERT = "convert"  # commitment → standard review, keeping the materials
    START_JOINT_REVIEW = "start_joint_review"  # case officer: panel drawn, clock paused
    CLOSE_REVIEW_PASS = "close_review_pass"  # chair: the panel passes (or fails) the report
    CLOSE_REVIEW_REVISE = "close_review_revise"  # chair: pass after revision
    SUBMIT_REVISION = "submit_revision"  # applicant: the revised report
    CONFIRM_REVISION = "confirm_revision"  # chair: the revision answers the opinions
    REJECT_REVISION = "reject_revision"  # chair: not yet; back to the applicant
    RETURN_UNSUPPLIED = "return_unsupplied"  # system: 容缺 materials overdue, case returned


ACTION_LABELS: dict[Action, str] = {
    Action.SUBMIT: "提交申请",
    Action.RESUBMIT: "补正后重新提交",
    Action.ACCEPT: "受理",
    Action.REQUEST_CORRECTION: "一次性告知补正",
    Action.REFUSE: "不予受理",
    Action.WITHDRAW: "申请人撤回草稿",
    Action.DEEMED_ACCEPT: "逾期未告知补正，依法视为受理",
    Action.START_DRAFTING: "受理通知书已送达，转承办",
    Action.DRAFT: "承办人拟办",
    Action.RETURN_DRAFT: "审核退回",
    Action.APPROVE_DRAFT: "审核通过",
    Action.SIGN: "领导签发",
    Action.RETURN_FROM_SIGNING: "签发退回",
    Action.FINISH_APPROVAL: "批复已制发送达",
    Action.FINISH_DENIAL: "不予批准决定书已制发送达",
    Action.FILE: "提交备案",
    Action.FINISH_FILING: "备案回执已生成送达",
    Action.ACCEPT_SERVICE: "受理并分办",
    Action.ANSWER: "承办人答复",
    Action.FINISH_ANSWER: "答复书已制发送达",
    Action.START_SIGNING: "受理通知书已送达，转领导审批（告知承诺制）",
    Action.FINISH_COMMITMENT: "告知承诺制审批决定已制发送达，进入事后核查",
    Action.CHECK_CONFORMS: "事后核查：承诺相符",
    Action.CHECK_FAILS: "事后核查：承诺不实，撤销审批决定",
    Action.FINISH_REVOCATION: "撤销决定书已制发送达",
    Action.CONVERT: "不符合告知承诺制条件，转为一般程序",
    Action.START_JOINT_REVIEW: "抽取专家，启动远程会审（暂停计时）",
    Action.CLOSE_REVIEW_PASS: "专家组形成评审意见",
    Action.CLOSE_REVIEW_REVISE: "专家组意见：修改后通过",
    Action.SUBMIT_REVISION: "申请人提交修改稿",
    Action.CONFIRM_REVISION: "专家复核确认修改稿（恢复计时）",
    Action.REJECT_REVISION: "专家复核：修改不到位，退回申请人",
    Action.RETURN_UNSUPPLIED: "容缺材料逾期未补齐，作退件处理",
}


@dataclass(frozen=True)
class ByOutcome:
    """A step whose document depends on the drafted decision: approve or deny, decided here."""

    approve: DocumentKind
    deny: DocumentKind

    def __call__(self, outcome: Outcome) -> DocumentKind:
        return self.approve if outcome is Outcome.APPROVE else self.deny


# 签发 of a standard decision: the 批复/准予决定 or the 不予批准决定书, by the drafted outcome
DECISION = ByOutcome(DocumentKind.APPROVAL, DocumentKind.DENIAL)
# the system action that closes the issuing stage of a decided standard case, by outcome
FINISH_DECISION: dict[Outcome, Action] = {
    Outcome.APPROVE: Action.FINISH_APPROVAL,
    Outcome.DENY: Action.FINISH_DENIAL,
}


@dataclass(frozen=True)
class Transition:
    action: Action
    source: Status
    target: Status
    role: Role | None  # None: only the system (a flow) takes it
    # The document moving along this transition queues (approvals.casework.transitions.move):
    # the only place that chooses it.
    issues: DocumentKind | ByOutcome | None = None
    needs_comment: bool = False
    kinds: frozenset[ProcessKind] = frozenset({ProcessKind.STANDARD})  # the kinds that have it


STANDARD = frozenset({ProcessKind.STANDARD})
SERVICE = frozenset({ProcessKind.SERVICE})
COMMITMENT = frozenset({ProcessKind.COMMITMENT})
FILING = frozenset({ProcessKind.FILING})
# the kinds with an intake step
REVIEWED = frozenset({ProcessKind.STANDARD, ProcessKind.SERVICE, ProcessKind.COMMITMENT})
DECIDED = frozenset({ProcessKind.STANDARD, ProcessKind.COMMITMENT})  # the kinds a leader signs

ALL_KINDS = frozenset(ProcessKind)

TRANSITIONS: tuple[Transition, ...] = (
    Transition(Action.SUBMIT, Status.DRAFT, Status.SUBMITTED, Role.APPLICANT, kinds=REVIEWED),
    Transition(
        Action.RESUBMIT, Status.CORRECTION, Status.SUBMITTED, Role.APPLICANT, kinds=REVIEWED
    ),
    Transition(
        Action.ACCEPT,
        Status.SUBMITTED,
        Status.ACCEPTED,
        Role.INTAKE_OFFICER,
        DocumentKind.ACCEPTANCE_NOTICE,
        kinds=DECIDED,
    ),
    Transition(
        Action.REQUEST_CORRECTION,
        Status.SUBMITTED,
        Status.CORRECTION,
        Role.INTAKE_OFFICER,
        DocumentKind.CORRECTION_NOTICE,
        kinds=REVIEWED,
    ),
    Transition(
        Action.REFUSE,
        Status.SUBMITTED,
        Status.NOT_ACCEPTED,
        Role.INTAKE_OFFICER,
        DocumentKind.REFUSAL_NOTICE,
        needs_comment=True,
        kinds=REVIEWED,
    ),
    Transition(
        Action.DEEMED_ACCEPT,
        Status.SUBMITTED,
        Status.ACCEPTED,
        None,
        DocumentKind.ACCEPTANCE_NOTICE,
    ),
    Transition(Action.START_DRAFTING, Status.ACCEPTED, Status.DRAFTING, None),
    Transition(Action.DRAFT, Status.DRAFTING, Status.REVIEWING, Role.CASE_OFFICER),
    Transition(
        Action.RETURN_DRAFT,
        Status.REVIEWING,
        Status.DRAFTING,
        Role.SECTION_CHIEF,
        needs_comment=True,
    ),
    Transition(Action.APPROVE_DRAFT, Status.REVIEWING, Status.SIGNING, Role.SECTION_CHIEF),
    Transition(Action.SIGN, Status.SIGNING, Status.ISSUING, Role.LEADER, DECISION),
    Transition(
        Action.RETURN_FROM_SIGNING, Status.SIGNING, Status.DRAFTING, Role.LEADER, needs_comment=True
    ),
    Transition(Action.FINISH_APPROVAL, Status.ISSUING, Status.APPROVED, None),
    Transition(Action.FINISH_DENIAL, Status.ISSUING, Status.DENIED, None),
    # filing: the receipt is the result; nothing waits for a person
    Transition(
        Action.FILE,
        Status.DRAFT,
        Status.FILING,
        Role.APPLICANT,
        DocumentKind.FILING_RECEIPT,
        kinds=FILING,
    ),
    Transition(Action.FINISH_FILING, Status.FILING, Status.FILED, None, kinds=FILING),
    # service: intake assigns, the case officer answers in writing
    Transition(
        Action.ACCEPT_SERVICE,
        Status.SUBMITTED,
        Status.ANSWERING,
        Role.INTAKE_OFFICER,
        kinds=SERVICE,
    ),
    Transition(
        Action.ANSWER,
        Status.ANSWERING,
        Status.ISSUING,
        Role.CASE_OFFICER,
        DocumentKind.REPLY_LETTER,
        kinds=SERVICE,
    ),
    Transition(Action.FINISH_ANSWER, Status.ISSUING, Status.ANSWERED, None, kinds=SERVICE),
    # joint review (远程会审) inside the standard review; the clock is paused throughout
    Transition(Action.START_JOINT_REVIEW, Status.DRAFTING, Status.JOINT_REVIEW, Role.CASE_OFFICER),
    Transition(
        Action.CLOSE_REVIEW_PASS,
        Status.JOINT_REVIEW,
        Status.DRAFTING,
        Role.EXPERT,
        DocumentKind.EXPERT_OPINION,
    ),
    Transition(
        Action.CLOSE_REVIEW_REVISE,
        Status.JOINT_REVIEW,
        Status.REVISION,
        Role.EXPERT,
        DocumentKind.EXPERT_OPINION,
    ),
    Transition(Action.SUBMIT_REVISION, Status.REVISION, Status.REVISION_REVIEW, Role.APPLICANT),
    Transition(Action.CONFIRM_REVISION, Status.REVISION_REVIEW, Status.DRAFTING, Role.EXPERT),
    Transition(
        Action.REJECT_REVISION,
        Status.REVISION_REVIEW,
        Status.REVISION,
        Role.EXPERT,
        needs_comment=True,
    ),
    # commitment (告知承诺制): form check, decision at once, check afterwards
    Transition(
        Action.SIGN,
        Status.SIGNING,
        Status.ISSUING,
        Role.LEADER,
        DocumentKind.COMMITMENT_DECISION,
        kinds=COMMITMENT,
    ),
    Transition(Action.START_SIGNING, Status.ACCEPTED, Status.SIGNING, None, kinds=COMMITMENT),
    Transition(Action.FINISH_COMMITMENT, Status.ISSUING, Status.POST_CHECK, None, kinds=COMMITMENT),
    Transition(
        Action.CHECK_CONFORMS, Status.POST_CHECK, Status.CLOSED, Role.CASE_OFFICER, kinds=COMMITMENT
    ),
    Transition(
        Action.CHECK_FAILS,
        Status.POST_CHECK,
        Status.REVOKING,
        Role.CASE_OFFICER,
        DocumentKind.REVOCATION_DECISION,
        needs_comment=True,
        kinds=COMMITMENT,
    ),
    Transition(Action.FINISH_REVOCATION, Status.REVOKING, Status.REVOKED, None, kinds=COMMITMENT),
    *(
        Transition(
            Action.CONVERT,
            source,
            Status.SUBMITTED,
            None,
            DocumentKind.CONVERSION_NOTICE,
            kinds=COMMITMENT,
        )
        for source in (Status.DRAFT, Status.CORRECTION)
    ),
    # the applicant gives up a draft it will not submit (approvals.casework.drafts)
    Transition(Action.WITHDRAW, Status.DRAFT, Status.WITHDRAWN, Role.APPLICANT, kinds=ALL_KINDS),
    # 容缺受理 (approvals.tolerance): the owed materials did not arrive in time (退件)
    *(
        Transition(Action.RETURN_UNSUPPLIED, source, Status.RETURNED, None)
        for source in (Status.DRAFTING, Status.REVIEWING, Status.SIGNING)
    ),
)

_BY_KEY = {(kind, t.source, t.action): t for t in TRANSITIONS for kind in t.kinds}

# Who acts next in each state; automated states belong to the flow, final states to nobody.
HUMAN_STEP: dict[Status, Role] = {
    Status.DRAFT: Role.APPLICANT,
    Status.SUBMITTED: Role.INTAKE_OFFICER,
    Status.CORRECTION: Role.APPLICANT,
    Status.DRAFTING: Role.CASE_OFFICER,
    Status.REVIEWING: Role.SECTION_CHIEF,
    Status.SIGNING: Role.LEADER,
    Status.ANSWERING: Role.CASE_OFFICER,
    Status.POST_CHECK: Role.CASE_OFFICER,
    Status.JOINT_REVIEW: Role.EXPERT,
    Status.REVISION: Role.APPLICANT,
    Status.REVISION_REVIEW: Role.EXPERT,
}
AUTOMATED: frozenset[Status] = frozenset(
    {Status.ACCEPTED, Status.ISSUING, Status.FILING, Status.REVOKING}
)
FINAL: frozenset[Status] = frozenset(
    {
        Status.NOT_ACCEPTED, Status.APPROVED, Status.DENIED, Status.FILED, Status.ANSWERED,
        Status.CLOSED, Status.REVOKED, Status.WITHDRAWN, Status.RETURNED,
    }
)  # fmt: skip
# The final states with a result to post (a withdrawn draft or a returned case has none).
WITH_RESULT: frozenset[Status] = FINAL - {Status.WITHDRAWN, Status.RETURNED}


def find_transition(
    source: Status, action: Action, role: Role | None, kind: ProcessKind = ProcessKind.STANDARD
) -> Transition:
    """The transition ``action`` takes from ``source`` for ``role`` (None: the system).

    Raises ``InvalidTransition`` when the action does not apply in this state (acting out of
    turn) and ``PermissionDenied`` when it does but belongs to another role.
    """
    transition = _BY_KEY.get((kind, source, action))
    if transition is None:
        raise InvalidTransition(
            f"当前状态“{STATUS_LABELS[source]}”下不能执行“{ACTION_LABELS[action]}”",
            f"action {action.value!r} is not allowed in state {source.value!r}",
            status=source.value,
            action=action.value,
        )
    if transition.role != role:
        raise PermissionDenied(
            f"“{ACTION_LABELS[action]}”不属于当前角色的职责",
            f"action {action.value!r} belongs to role "
            f"{transition.role.value if transition.role else 'system'!r}",
        )
    return transition


def actions_for(
    status: Status, role: Role, kind: ProcessKind = ProcessKind.STANDARD
) -> list[Action]:
    """The actions ``role`` may take on a case in ``status`` (drives the buttons on a page)."""
    return [
        t.action for t in TRANSITIONS if t.source == status and t.role == role and kind in t.kinds
    ]
