"""Publishing after acceptance: the leader's 拟批准公示, and a published decision's PDF."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Response

from api.contract import PDF_RESPONSE
from api.deps import CurrentUser, ServicesDep, SessionDep
from api.params import Id
from api.routers.public_notices import notice_public
from approvals.casework.queries import get_application_for
from approvals.catalogue.item_versions import item_of
from approvals.clock import local_date, to_utc
from approvals.errors import NotFound
from approvals.participation import pre_approval
from approvals.participation.notices import get_notice
from models import Document, DocumentState
from models.participation import NoticePublic, PreApprovalCreate

router = APIRouter(prefix="/api", tags=["公众参与 public participation"])


@router.post(
    "/applications/{application_id}/pre-approval-notice",
    response_model=NoticePublic,
    summary="同意拟批准并发布拟批准公示 / the leader agrees in principle: publish the notice",
)
def publish_pre_approval(
    application_id: Id,
    body: PreApprovalCreate,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
) -> NoticePublic:
    """Leaders only, with an approving draft waiting for signature; the notice runs the item's
    working days (5) and signing waits for its end (409 before)."""
    application = get_application_for(session, user, application_id)
    now = services.clock.now()
    notice = pre_approval.publish_pre_approval(
        session,
        services.calendar,
        user,
        application,
        item_of(session, application),
        pre_approval.PreApprovalIn(body.overview, body.measures),
        to_utc(now),
        local_date(now),
    )
    session.commit()
    return notice_public(services, notice)


@router.get(
    "/public/notices/{notice_id}/document",
    response_class=Response,
    responses=PDF_RESPONSE,
    summary="下载公告的审批决定文书 / the published decision's PDF",
)
def decision_document(notice_id: Id, session: SessionDep, services: ServicesDep) -> Response:
    """Only the document a 批复公告 or 撤销公告 publishes, once issued."""
    notice = get_notice(session, notice_id)
    document = session.get(Document, notice.document_id) if notice.document_id else None
    if document is None or document.state is not DocumentState.ISSUED or not document.object_key:
        raise NotFound("该公告没有可下载的文书", "the notice publishes no document")
    filename = f"{notice.document_number or '审批决定'}.pdf"
    return Response(
        services.store.get(document.object_key),
        media_type="application/pdf",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )
