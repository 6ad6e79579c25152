"""The fast track (告知承诺制): eligibility with every reason, the commitment letter, and the
post-approval check."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, File, Response, UploadFile

from api import commitment_letter
from api.body_limit import accepts_uploads
from api.contract import PDF_RESPONSE
from api.deps import CurrentUser, ServicesDep, SessionDep
from api.dispatching import after_commit
from api.params import Id
from api.presenters import application_public
from approvals.casework.queries import get_application_for
from approvals.commitment import service as commitment
from approvals.commitment import steps as commitment_steps
from approvals.errors import NotFound
from approvals.evidence import check_evidence
from models.responses import CommitmentView, EvidenceList, LetterPublic
from models.schemas import ApplicationPublic, CommitmentAccept, CommitmentFacts, PostCheckCreate

router = APIRouter(prefix="/api/applications", tags=["告知承诺制 commitment"])


def _view(result: commitment.CommitmentView, application_id: int) -> dict[str, Any]:
    case, e = result.case, result.eligibility
    return {
        "eligible": e.eligible,
        "findings": [
            {"reason": f.reason.value, "message": f.message_zh, "message_en": f.message_en}
            for f in e.findings
        ],
        "summary": e.summary_zh,
        "matched_type": e.matched_type.name_zh if e.matched_type else None,
        "matched_park": e.matched_park.name if e.matched_park else None,
        "scope_version": e.scope_version,
        "facts": case.facts,
        "letter_sha256": case.letter_sha256,
        "letter_url": f"/api/applications/{application_id}/commitment/letter.pdf"
        if case.letter_key
        else None,
        "accepted_sha256": case.accepted_sha256,
        "accepted_at": case.accepted_at,
        "check_due_on": case.check_due_on,
        "check_officer_id": case.check_officer_id,
        "check_outcome": case.check_outcome,
        "converted_at": case.converted_at,
    }


@router.get(
    "/{application_id}/commitment",
    response_model=CommitmentView,
    summary="告知承诺制：适用条件与承诺情况",
)
def read_commitment(
    application_id: Id, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> dict[str, Any]:
    return _view(commitment.view(session, services.clock, user, application_id), application_id)


@router.put(
    "/{application_id}/commitment/facts",
    response_model=CommitmentView,
    summary="填报承诺信息并即时判定是否适用告知承诺制（列明全部理由）",
)
def put_facts(
    application_id: Id,
    body: CommitmentFacts,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
) -> dict[str, Any]:
    result = commitment.record_facts(session, services.clock, user, application_id, body)
    session.commit()
    return _view(result, application_id)


@router.post(
    "/{application_id}/commitment/letter",
    response_model=LetterPublic,
    summary="生成告知承诺书（PDF）",
)
def generate_letter(
    application_id: Id, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> dict[str, Any]:
    case = commitment_letter.generate_letter(session, services, user, application_id)
    session.commit()
    return {
        "sha256": case.letter_sha256,
        "url": f"/api/applications/{application_id}/commitment/letter.pdf",
    }


@router.get(
    "/{application_id}/commitment/letter.pdf",
    response_class=Response,
    responses=PDF_RESPONSE,
    summary="下载告知承诺书（PDF）",
)
def download_letter(
    application_id: Id, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> Response:
    result = commitment.view(session, services.clock, user, application_id)
    if result.case.letter_key is None:
        raise NotFound("尚未生成告知承诺书", "no commitment letter yet")
    return Response(services.store.get(result.case.letter_key), media_type="application/pdf")


@router.post(
    "/{application_id}/commitment/accept",
    response_model=CommitmentView,
    summary="确认告知承诺书（记录时间、账号、SHA-256）",
)
def accept_letter(
    application_id: Id,
    body: CommitmentAccept,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
) -> dict[str, Any]:
    commitment.accept_letter(session, services.clock, user, application_id, body.sha256)
    session.commit()
    return _view(commitment.view(session, services.clock, user, application_id), application_id)


@router.post(
    "/{application_id}/post-check",
    response_model=ApplicationPublic,
    summary="登记事后核查结果（仅被指派的核查人员）",
)
def record_post_check(
    application_id: Id,
    body: PostCheckCreate,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    background: BackgroundTasks,
) -> ApplicationPublic:
    application = commitment_steps.record_check(session, services.clock, user, application_id, body)
    session.commit()
    after_commit(background, services, application_id)
    return application_public(session, services, application, user)


@router.post(
    "/{application_id}/post-check/evidence",
    response_model=EvidenceList,
    summary="上传事后核查证据（照片、PDF）",
)
@accepts_uploads(1)
async def upload_evidence(
    application_id: Id,
    file: Annotated[UploadFile, File()],
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
) -> dict[str, Any]:
    application = get_application_for(session, user, application_id)
    data = await file.read(services.settings.max_upload_bytes + 1)
    checked = check_evidence(file.filename or "", data, services.settings.max_upload_bytes)
    key = f"applications/{application.number}/post-check/{checked.sha256}"
    case = commitment_steps.add_evidence(
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
    session.commit()
    return {"evidence": case.check_evidence}
