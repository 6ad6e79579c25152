"""数据交换 page (staff and auditors): what was reported to the national system and pushed to
the investment platform — sent, pending, failed (with the error) or held back as invalid — the
record's fields with their evidence markers (found / inferred), and the current credit lists."""

from __future__ import annotations

from typing import Annotated

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.deps import SessionDep
from api.pages import router
from api.pages.security import signed_in
from api.routers.exchange import STAFF, message_staff
from api.templating import render_page
from approvals.exchange import credit, reporting
from models import Role, User
from models.exchange_tables import CREDIT_LIST_LABELS

Reader = Annotated[User, signed_in(*STAFF, Role.AUDITOR)]
KIND_LABELS = {
    "national_report": "环评审批基础信息报送",
    "project_decision": "审批结果推送投资项目平台",
}
STATE_LABELS = {
    "sent": "已送达",
    "pending": "待发送",
    "failed": "发送失败（将重试）",
    "invalid": "校验未通过",
}
EVIDENCE_LABELS = {"found": "见于公开来源", "inferred": "推定"}


@router.get("/exchange")
def exchange_page(request: Request, user: Reader, session: SessionDep) -> HTMLResponse:
    rows = [message_staff(row) for row in reporting.messages(session)]
    lists = [(CREDIT_LIST_LABELS[row.kind], row) for row in credit.current_lists(session)]
    return render_page(
        request,
        "exchange.html",
        {
            "rows": rows,
            "lists": lists,
            "kinds": KIND_LABELS,
            "states": STATE_LABELS,
            "evidence": reporting.FIELD_EVIDENCE,
            "evidence_labels": EVIDENCE_LABELS,
            "flash": "",
        },
    )
