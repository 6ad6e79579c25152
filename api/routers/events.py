"""The event feed for integrators: follow every case one may see without polling each one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import CurrentUser, SessionDep
from api.presenters import document_public
from approvals.casework.events import FeedEvent, events_after
from approvals.casework.queries import action_label
from approvals.catalogue.process.standard import AUTOMATED
from approvals.clock import as_local
from models.enums import DOCUMENT_ISSUED, Status
from models.ids import id_of
from models.schemas import DocumentPublic
from models.types import ID_MAX

router = APIRouter(prefix="/api", tags=["公共 public"])

AUTOMATED_LIST = "、".join(f"`{s.value}`" for s in Status if s in AUTOMATED)
DESCRIPTION = f"""按记录顺序列出当前账号可见办件的事件：状态变化（`status_changed`）和文书制发
（`document_issued`，带文书及下载地址）。申请人只见本单位的办件，专家只见所在专家组的办件，
工作人员和电子监察可见全部。

从 `after=0` 开始，每次以上次响应的 `next` 作为 `after` 继续；`more` 为真时立即再取，否则稍后
再取（如每 30 秒）。游标为事件编号：事件按提交顺序编号，按游标读取不会遗漏。

**自动推进的状态**（无须人工操作，由自动流程完成后转入下一状态，跟踪本事件流即可）：
{AUTOMATED_LIST}。各状态说明见 `GET /api/reference/statuses`（`automated` 字段），
办件可执行的动作及其接口见 `GET /api/reference/actions`。"""


class CaseEvent(BaseModel):
    id: int = Field(description="事件编号（游标）")
    at: datetime
    kind: Literal["status_changed", "document_issued"]
    application_id: int
    application_number: str
    action: str
    action_label: str
    from_status: Status | None
    to_status: Status | None
    automated: bool = Field(description="由系统自动流程执行")
    document: DocumentPublic | None = Field(description="document_issued 事件的文书")


class EventPage(BaseModel):
    events: list[CaseEvent]
    next: int = Field(description="下次请求的 after")
    more: bool = Field(description="是否还有更多事件（为真时立即再取）")


def case_event(row: FeedEvent) -> CaseEvent:
    event = row.event
    issued = event.action == DOCUMENT_ISSUED
    return CaseEvent(
        id=id_of(event),
        at=as_local(event.at),
        kind="document_issued" if issued else "status_changed",
        application_id=id_of(row.application),
        application_number=row.application.number,
        action=event.action,
        action_label="文书已制发送达" if issued else action_label(event.action),
        from_status=Status(event.from_status) if event.from_status else None,
        to_status=Status(event.to_status) if event.to_status else None,
        automated=event.actor_id is None,
        document=document_public(row.application, row.document) if row.document else None,
    )


@router.get(
    "/events",
    response_model=EventPage,
    summary="事件流：跟踪办件状态变化和文书制发 / the case event feed",
    description=DESCRIPTION,
)
def events(
    user: CurrentUser,
    session: SessionDep,
    after: Annotated[int, Query(ge=0, le=ID_MAX, description="上次响应的 next")] = 0,
    limit: Annotated[int, Query(ge=1, le=200, description="每页事件数")] = 50,
) -> EventPage:
    rows = events_after(session, user, after, limit + 1)
    page = [case_event(row) for row in rows[:limit]]
    return EventPage(events=page, next=page[-1].id if page else after, more=len(rows) > limit)
