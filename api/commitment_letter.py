"""Generating the 告知承诺书: render from the application's data, store, record its SHA-256.
Used by the API and the pages alike."""

from __future__ import annotations

import hashlib

from sqlmodel import Session

from api.services import AppServices
from approvals.casework.queries import get_application_for
from approvals.catalogue.item_versions import item_of
from approvals.clock import local_date
from approvals.commitment import service as commitment
from approvals.issuing.document_text import common_context
from models import CommitmentCase, User

LETTER_TITLE = "建设项目环境影响评价文件审批告知承诺书"


def generate_letter(
    session: Session, services: AppServices, user: User, application_id: int
) -> CommitmentCase:
    """The caller commits. The PDF is stored under its own SHA-256, so a retry is harmless."""
    application = get_application_for(session, user, application_id)
    today = local_date(services.clock.now())
    context = common_context(
        session,
        application,
        item_of(session, application),
        title=LETTER_TITLE,
        number=f"承诺书-{application.number}",
        verify_code=application.number,
        issued_on=today,
        issuer=services.settings.bureau_name,
        base_url=services.settings.public_base_url,
    ) | commitment.letter_context(session, application, today)
    from documents.render import render_pdf  # WeasyPrint (~1.5 s to import) only when used

    pdf = render_pdf("commitment_letter", context)
    sha = hashlib.sha256(pdf).hexdigest()
    key = f"applications/{application.number}/commitment/{sha}.pdf"
    services.store.put(key, pdf, "application/pdf")
    return commitment.record_letter(
        session, services.clock, user, application_id, key=key, sha256=sha
    )
