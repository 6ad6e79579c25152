"""How remote joint review joins issuing: the 专家组评审意见's own keys."""

from __future__ import annotations

from typing import Any

from approvals.issuing.document_context import Issue, register_context
from approvals.joint_review.service import opinion_context
from models import DocumentKind


def _opinion(doc: Issue) -> dict[str, Any]:
    return opinion_context(doc.session, doc.payload["panel_id"])


def register() -> None:
    register_context(DocumentKind.EXPERT_OPINION, _opinion)
