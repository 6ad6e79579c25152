"""The fast track (告知承诺制) on the pages: the applicant's panel on the case page (the facts,
the eligibility with every reason before submitting, the commitment letter and its acceptance),
the staff's view of it and the assigned officer's post-approval check (事后核查), and the
auditors' comparison of the fast track with the standard review (/audit/commitment).

Every POST calls the same service as the JSON API (``api/routers/commitment.py``), commits and
answers 303 back to the case page with a flash message; a refused one shows the case page again
with the Chinese message and what was typed. Routes hang off the pages' shared ``router``.

The case page (``api/pages/case.py``) builds its context without this module, so the panel's
figures come from ``commitment_panel``, a template global the case page calls once: it reads
with a session of its own and never writes. This module also registers its flash messages and
the timeline label of the letter's acceptance with ``api.pages.display``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import BackgroundTasks, File, Form, Request, Response, UploadFile
from markupsafe import Markup
from sqlalchemy import exists
from sqlmodel import Session, col

from api.body_limit import MAX_FILES_PER_REQUEST, accepts_uploads
from api.commitment_letter import generate_letter
from api.deps import ServicesDep, SessionDep
from api.pages import router
from api.pages.audit import AuditUser, pct
from api.pages.case import run_step
from api.pages.case_sections import Facts, register_section
from api.pages.display import FLASH_MESSAGES, redirect_with
from api.pages.forms import build, lines
from api.pages.security import ApplicantUser, StaffUser
from api.params import Id, ListIndex
from api.services import AppServices
from api.templating import render_page
from approvals.casework.queries import get_application_for
from approvals.catalogue.districts import ZHENGZHOU_DISTRICTS
from approvals.clock import local_date
from approvals.commitment import service as commitment
from approvals.commitment import steps as commitment_steps
from approvals.commitment.eligibility import DocumentType
from approvals.commitment.reference_data import current_parks
from approvals.commitment.scope import ParkList
from approvals.errors import DomainError, InvalidInput, NotFound
from approvals.evidence import CheckedEvidence, check_evidence
from approvals.reports import charts
from approvals.reports import turnaround as reports
from approvals.reports.commitment import CHECK_OUTCOMES, commitment_report
from models import Application, CommitmentCase, ProcessKind, Role, Status, User
from models.schemas import CommitmentAccept, CommitmentFacts, PostCheckCreate

FLASH_MESSAGES.update(
    {
        "commitment_draft": (
            "申请已保存为草稿。请填写告知承诺信息，系统即时判定能否适用告知承诺制。"
        ),
        "commitment_facts": "承诺信息已保存，适用条件已重新判定。",
        "commitment_letter": "告知承诺书已生成，请阅读全文后确认承诺。",
        "commitment_accepted": "已确认告知承诺书，可以提交申请。",
        "post_check_evidence": "核查证据已上传。",
        "post_check_conforms": "已登记事后核查结果：承诺相符，本件办结。",
        "post_check_revoked": "已登记事后核查结果：承诺不实，撤销决定书正在制发。",
    }
)

DOCUMENT_TYPES = {
    DocumentType.REPORT_TABLE.value: "环境影响报告表",
    DocumentType.REPORT_BOOK.value: "环境影响报告书",
    DocumentType.REGISTRATION_FORM.value: "环境影响登记表",
}
DECLARATIONS = (
    ("in_sensitive_area", "涉及《建设项目环境影响评价分类管理名录》第三条所列环境敏感区"),
    ("has_electroplating", "含电镀工艺"),
    ("is_two_high_one_danger", "属于“两高一危”项目（高耗能、高排放、危险化学品）"),
    ("involves_radiation", "涉及核与辐射"),
)
FACT_FIELDS = ("document_type", "minglu_item", "park_name", "longitude", "latitude")
FACT_LABELS = {
    "document_type": "环评文件类型",
    "minglu_item": "名录项目类别序号",
    "park_name": "所在园区",
    "longitude": "经度",
    "latitude": "纬度",
    "sha256": "告知承诺书SHA-256",
    "findings": "核查发现",
}
NO_PARK = "-"  # the park select's "不在上述园区"
# What approvals.evidence accepts (checked by content there; this only filters the file picker).
EVIDENCE_TYPES = "application/pdf,image/jpeg,image/png,video/mp4,.pdf,.jpg,.jpeg,.png,.mp4"
EVIDENCE_LABELS = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "video/mp4": "MP4",
}
Text = Annotated[str, Form(max_length=8000)]
Version = Annotated[int | None, Form()]


# --- the panel on the case page ----------------------------------------------------------------


def park_options(parks: ParkList) -> list[dict[str, str]]:
    """The eligible-park list for the select: name, level and the plan-EIA status as far as
    it is confirmed (``PlanEia.label``; an unconfirmed one is never stated)."""
    return [
        {"name": p.name, "note": "·".join(filter(None, [p.level.value, p.plan_eia.label()]))}
        for p in parks.parks
    ]


def park_choice(parks: ParkList, facts: dict[str, Any]) -> str:
    """The option to select: the park's listed name, "不在上述园区", or none before any facts."""
    if not facts:
        return ""
    park = parks.find(str(facts.get("park_name") or ""))
    return park.name if park else NO_PARK


def _name(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id is not None else None
    return user.display_name if user else ""


@dataclass(frozen=True)
class Eligibility:
    """What the panel says about eligibility (``assessed`` False: no facts declared yet)."""

    assessed: bool
    eligible: bool
    summary: str
    reasons: list[str]
    notices: list[str]
    matched_type: str
    matched_park: str


def _eligibility(
    session: Session, application: Application, case: CommitmentCase | None, today: date
) -> Eligibility:
    """Drafts are judged afresh (as submission will judge them); after submission the panel
    shows what was recorded when the case was submitted or converted."""
    if case is None or not case.facts:
        return Eligibility(False, False, "", [], [], "", "")
    try:
        result = commitment.assess_case(session, application, case.facts, today)
    except DomainError as exc:  # data that no longer validates: say so, do not fail the page
        return Eligibility(True, False, "", [exc.message_zh], [], "", "")
    matched_type = result.matched_type.name_zh if result.matched_type else ""
    matched_park = result.matched_park.name if result.matched_park else ""
    notices = [n.message_zh for n in result.notices]
    fresh = application.status in (Status.DRAFT, Status.CORRECTION) and (
        application.process_kind is ProcessKind.COMMITMENT
    )
    if fresh:
        reasons = [f.message_zh for f in result.findings]
        return Eligibility(
            True, result.eligible, result.summary_zh, reasons, notices, matched_type, matched_park
        )
    reasons = [str(f.get("message_zh", "")) for f in case.findings]
    summary = result.summary_zh if case.eligible and result.eligible else ""
    return Eligibility(True, case.eligible, summary, reasons, [], matched_type, matched_park)


def _evidence(case: CommitmentCase) -> list[dict[str, Any]]:
    return [
        e
        | {
            "url": f"/cases/{case.application_id}/post-check/evidence/{index}",
            "uploaded": datetime.fromisoformat(str(e["uploaded_at"])),
            "kb": f"{int(e.get('size', 0)) / 1024:.1f}",
            "kind": EVIDENCE_LABELS.get(str(e.get("content_type")), str(e.get("content_type"))),
        }
        for index, e in enumerate(case.check_evidence)
    ]


def panel(
    session: Session, services: AppServices, viewer: User, application: Application, facts: Facts
) -> dict[str, Any] | None:
    """The fast-track panel of a case page; None when the case never was on the fast track
    (``facts``: whether it left it, converted to the standard process)."""
    if application.process_kind is not ProcessKind.COMMITMENT and not facts["converted"]:
        return None
    case = session.get(CommitmentCase, application.id)
    today = local_date(services.clock.now())
    is_applicant = viewer.role is Role.APPLICANT
    editable = (
        is_applicant
        and application.process_kind is ProcessKind.COMMITMENT
        and application.status in (Status.DRAFT, Status.CORRECTION)
    )
    facts = dict(case.facts) if case else {}
    parks = current_parks(session)
    status = application.status
    officer_id = case.check_officer_id if case else None
    return {
        "editable": editable,
        "staff": not is_applicant,
        "facts": facts,
        "document_type": DOCUMENT_TYPES.get(str(facts.get("document_type", "")), ""),
        "declarations": DECLARATIONS,
        "document_types": DOCUMENT_TYPES,
        "parks": park_options(parks),
        "no_park": NO_PARK,
        "park_choice": park_choice(parks, facts),
        "eligibility": _eligibility(session, application, case, today),
        "letter_sha256": case.letter_sha256 if case else None,
        "letter_generated_at": case.letter_generated_at if case else None,
        "letter_url": f"/api/applications/{application.id}/commitment/letter.pdf"
        if case and case.letter_key
        else None,
        "accepted_sha256": case.accepted_sha256 if case else None,
        "accepted_at": case.accepted_at if case else None,
        "accepted_by": _name(session, case.accepted_by) if case else "",
        "converted_at": case.converted_at if case else None,
        "check_due_on": case.check_due_on if case else None,
        "check_officer": _name(session, officer_id),
        "check_assigned_at": case.check_assigned_at if case else None,
        "check_outcome": CHECK_OUTCOMES.get(case.check_outcome or "", "") if case else "",
        "check_conforms": bool(case and case.check_outcome == "conforms"),
        "check_findings": list(case.check_findings) if case else [],
        "checked_at": case.checked_at if case else None,
        "evidence": _evidence(case) if case and not is_applicant else [],
        "in_check": status is Status.POST_CHECK,
        "can_check": status is Status.POST_CHECK
        and officer_id is not None
        and officer_id == viewer.id,
        "check_overdue": bool(
            status is Status.POST_CHECK and case and case.check_due_on and case.check_due_on < today
        ),
        "evidence_types": EVIDENCE_TYPES,
        "max_mb": services.settings.max_upload_bytes // (1024 * 1024),
        "version": application.version,
    }


register_section(  # the 告知承诺制 panel of the case page
    "cm",
    panel,
    {
        "converted": lambda a: exists().where(
            col(CommitmentCase.application_id) == a, col(CommitmentCase.converted_at).is_not(None)
        )
    },
)


# --- the applicant's steps ---------------------------------------------------------------------


def _act(
    request: Request,
    session: Session,
    services: AppServices,
    user: User,
    application_id: int,
    values: Mapping[str, str],
    step: Callable[[], object],
    message: str,
    background: BackgroundTasks | None = None,
) -> Response:
    anchor = "post-check" if message.startswith("post_check") else "commitment"
    done = redirect_with(f"/cases/{application_id}", message, anchor)
    return run_step(
        request, session, services, user, application_id, values, step, done,
        background=background, anchor=anchor,
    )  # fmt: skip


def facts_of(form: dict[str, str], ticked: set[str]) -> CommitmentFacts:
    """The declared facts from the panel's form (blank optional fields left unset)."""
    data: dict[str, Any] = {
        name: form[name].strip() for name in FACT_FIELDS if form.get(name, "").strip()
    }
    if data.get("park_name") == NO_PARK:
        data["park_name"] = None
    data |= {name: name in ticked for name, _ in DECLARATIONS}
    return build(CommitmentFacts, data, labels=FACT_LABELS)


@router.post("/cases/{application_id}/commitment/facts")
def save_facts(
    application_id: Id,
    request: Request,
    user: ApplicantUser,
    session: SessionDep,
    services: ServicesDep,
    document_type: Text = "",
    minglu_item: Text = "",
    park_name: Text = "",
    longitude: Text = "",
    latitude: Text = "",
    in_sensitive_area: Text = "",
    has_electroplating: Text = "",
    is_two_high_one_danger: Text = "",
    involves_radiation: Text = "",
) -> Response:
    """填报承诺信息: stored and judged at once, every reason shown before submitting."""
    values = {
        "document_type": document_type,
        "minglu_item": minglu_item,
        "park_name": park_name,
        "longitude": longitude,
        "latitude": latitude,
    }
    ticked = {
        name
        for name, value in (
            ("in_sensitive_area", in_sensitive_area),
            ("has_electroplating", has_electroplating),
            ("is_two_high_one_danger", is_two_high_one_danger),
            ("involves_radiation", involves_radiation),
        )
        if value
    }
    shown = values | dict.fromkeys(ticked, "1") | {"facts_posted": "1"}

    def step() -> object:
        facts = facts_of(values, ticked)
        return commitment.record_facts(session, services.clock, user, application_id, facts)

    return _act(request, session, services, user, application_id, shown, step, "commitment_facts")


@router.post("/cases/{application_id}/commitment/letter")
def letter(
    application_id: Id,
    request: Request,
    user: ApplicantUser,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    """生成告知承诺书 (again after the facts changed: a new letter to read and accept)."""

    def step() -> object:
        return generate_letter(session, services, user, application_id)

    return _act(request, session, services, user, application_id, {}, step, "commitment_letter")


@router.post("/cases/{application_id}/commitment/accept")
def accept(
    application_id: Id,
    request: Request,
    user: ApplicantUser,
    session: SessionDep,
    services: ServicesDep,
    sha256: Text = "",
    read: Text = "",
) -> Response:
    """确认承诺: the SHA-256 of the letter the applicant read, with time and account."""

    def step() -> object:
        if not read:
            raise InvalidInput(
                "请先阅读告知承诺书并勾选确认", "tick that the letter was read and accepted"
            )
        body = build(CommitmentAccept, {"sha256": sha256.strip()}, labels=FACT_LABELS)
        return commitment.accept_letter(session, services.clock, user, application_id, body.sha256)

    return _act(request, session, services, user, application_id, {}, step, "commitment_accepted")


# --- the post-approval check -------------------------------------------------------------------


def _read_evidence(uploads: list[UploadFile], limit: int) -> list[tuple[CheckedEvidence, bytes]]:
    """Every chosen file read (bounded) and checked before anything is stored."""
    chosen = [u for u in uploads if u.filename]
    if not chosen:
        raise InvalidInput("请选择要上传的核查证据文件", "choose at least one evidence file")
    checked = []
    for upload in chosen:
        data = upload.file.read(limit + 1)
        checked.append((check_evidence(upload.filename or "", data, limit), data))
    return checked


@router.post("/cases/{application_id}/post-check/evidence")
@accepts_uploads(MAX_FILES_PER_REQUEST)
def upload_evidence(
    application_id: Id,
    request: Request,
    user: StaffUser,
    session: SessionDep,
    services: ServicesDep,
    evidence: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    """核查证据 (photos, PDFs) of the assigned officer, while the check is open."""

    def step() -> object:
        files = _read_evidence(evidence or [], services.settings.max_upload_bytes)
        application = get_application_for(session, user, application_id)
        for checked, data in files:
            key = f"applications/{application.number}/post-check/{checked.sha256}"
            commitment_steps.add_evidence(
                session,
                services.clock,
                user,
                application_id,
                filename=checked.filename,
                key=key,
                sha256=checked.sha256,
                size=checked.size,
                content_type=checked.content_type,
            )
            services.store.put(key, data, checked.content_type)
        return files

    return _act(request, session, services, user, application_id, {}, step, "post_check_evidence")


@router.post("/cases/{application_id}/post-check")
def record_check(
    application_id: Id,
    request: Request,
    user: StaffUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
    outcome: Text = "",
    findings: Text = "",
    version: Version = None,
) -> Response:
    """登记事后核查结果 (only the assigned officer): 相符 closes the case, 不符 revokes it."""
    values = {"check_outcome": outcome, "check_findings": findings}

    def step() -> object:
        body = build(
            PostCheckCreate,
            {"outcome": outcome, "findings": lines(findings)},
            labels={"outcome": "核查结论", **FACT_LABELS},
        )
        return commitment_steps.record_check(
            session, services.clock, user, application_id, body, expected_version=version
        )

    message = "post_check_conforms" if outcome == "conforms" else "post_check_revoked"
    return _act(request, session, services, user, application_id, values, step, message, background)


@router.get("/cases/{application_id}/post-check/evidence/{index}")
def evidence_file(
    application_id: Id,
    index: ListIndex,
    user: StaffUser,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    """One evidence file, for the bureau's staff."""
    get_application_for(session, user, application_id)
    case = session.get(CommitmentCase, application_id)
    if case is None or not 0 <= index < len(case.check_evidence):
        raise NotFound("核查证据不存在", "no such evidence file")
    entry = case.check_evidence[index]
    name = str(entry.get("filename", "evidence"))
    return Response(
        services.store.get(str(entry["object_key"])),
        media_type=str(entry.get("content_type", "application/octet-stream")),
        headers={"Content-Disposition": f"inline; filename*=UTF-8''{quote(name)}"},
    )


# --- the auditors' comparison ------------------------------------------------------------------


@router.get("/audit/commitment")
def audit_commitment(
    request: Request, user: AuditUser, session: SessionDep, services: ServicesDep
) -> Response:
    """快速通道 vs 一般程序 for report tables, the post-approval checks and the revocations."""
    raw = {
        name: request.query_params.get(name, "").strip()
        for name in ("district", "decided_from", "decided_to")
    }
    context: dict[str, Any] = {
        "values": raw,
        "error": "",
        "report": None,
        "districts": ZHENGZHOU_DISTRICTS,
    }
    try:
        report_filter = reports.parse_filter(services.catalogue, **raw)
    except InvalidInput as exc:  # shown on the form; the figures are not computed
        context["error"] = exc.message_zh
        return render_page(request, "commitment_audit.html", context, status_code=422)
    today = local_date(services.clock.now())
    report = commitment_report(session, services.catalogue, report_filter, today)
    params = report.filter.as_params()

    def export(path: str) -> dict[str, str]:
        return {f: f"{path}?{urlencode(params | {'format': f})}" for f in ("csv", "xlsx")}

    context |= {
        "report": report,
        "chart": Markup(charts.track_comparison(report)),
        "exports": export("/api/audit/commitment"),
        "revocation_exports": export("/api/audit/commitment/revocations"),
        "pct": pct,
        "num": charts.number,
    }
    return render_page(request, "commitment_audit.html", context)
