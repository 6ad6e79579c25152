"""What differs by process kind is said once: the graph names each step's document, one row
of behaviour per kind, one context builder per document kind, and no kind compared as text."""

from __future__ import annotations

import re

from approvals.casework.kinds import KINDS
from approvals.catalogue.process.standard import TRANSITIONS, Action, ByOutcome, find_transition
from approvals.issuing.document_context import CONTEXTS
from core.settings import PROJECT_ROOT
from models import DocumentKind, Outcome, ProcessKind, Role, Status

# the applicant's 告知承诺书 is generated for signing, never issued through the issuing flow; a
# consultation's 指导意见 belongs to no case (its context: approvals/consultation/issuing.py)
ISSUED_KINDS = set(DocumentKind) - {DocumentKind.COMMITMENT_LETTER, DocumentKind.GUIDANCE_OPINION}


def test_every_process_kind_has_one_row_of_behaviour() -> None:
    assert set(KINDS) == set(ProcessKind)


def test_every_issued_document_kind_has_one_context_builder() -> None:
    assert set(CONTEXTS) == ISSUED_KINDS


def test_every_document_a_step_names_can_be_built() -> None:
    named: set[DocumentKind] = set()
    for t in TRANSITIONS:
        if isinstance(t.issues, ByOutcome):
            named |= {t.issues(Outcome.APPROVE), t.issues(Outcome.DENY)}
        elif t.issues is not None:
            named.add(t.issues)
    assert named <= set(CONTEXTS)
    assert DocumentKind.CONVERSION_NOTICE in named  # the conversion step names its notice


def test_signing_issues_the_decision_its_outcome_names_and_the_fast_track_its_own() -> None:
    standard = find_transition(Status.SIGNING, Action.SIGN, Role.LEADER, ProcessKind.STANDARD)
    assert isinstance(standard.issues, ByOutcome)
    assert standard.issues(Outcome.APPROVE) is DocumentKind.APPROVAL
    assert standard.issues(Outcome.DENY) is DocumentKind.DENIAL
    fast = find_transition(Status.SIGNING, Action.SIGN, Role.LEADER, ProcessKind.COMMITMENT)
    assert fast.issues is DocumentKind.COMMITMENT_DECISION


def test_the_kinds_with_an_intake_step_accept_through_the_graph() -> None:
    for kind, steps in KINDS.items():
        if steps.accept is not None:
            found = find_transition(Status.SUBMITTED, steps.accept, Role.INTAKE_OFFICER, kind)
            assert found.target in (Status.ACCEPTED, Status.ANSWERING)


KIND_VALUES = "|".join(k.value for k in ProcessKind)
AS_TEXT = (
    re.compile(r"process_kind\s*(==|!=|is|in)\s*[\"'(]"),  # process_kind == "commitment"
    re.compile(r"ProcessKind\.\w+\.value\b"),  # compared through its value
    re.compile(rf"kind\s*(==|!=)\s*[\"']({KIND_VALUES})[\"']"),  # templates: kind == "filing"
)


def test_no_process_kind_is_compared_as_a_string() -> None:
    offenders = []
    for folder, pattern in (("approvals", "*.py"), ("api", "*.py"), ("templates", "*.html")):
        for path in sorted((PROJECT_ROOT / folder).rglob(pattern)):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if any(p.search(line) for p in AS_TEXT):
                    offenders.append(f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}")
    assert offenders == []


CHECKED = ("approvals", "models", "api", "core", "documents", "mail", "storage")
EXPLAINED_IGNORE = re.compile(r"# type: ignore\[[a-z-]+(, [a-z-]+)*\]  # \S")


def test_every_type_ignore_in_the_checked_packages_names_its_code_and_why() -> None:
    unexplained = [
        f"{path.relative_to(PROJECT_ROOT)}:{number}"
        for folder in CHECKED
        for path in sorted((PROJECT_ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "# type: ignore" in line and not EXPLAINED_IGNORE.search(line)
    ]
    assert unexplained == []
