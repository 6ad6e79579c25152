"""How things read on a page: flash messages, status colours, time limits."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse

from approvals.catalogue import DayUnit, Item, ItemStatus, Limit, ProcessKind
from models import Status

# ?msg= carries one of these codes, never free text: a link cannot put words on our pages.
FLASH_MESSAGES: dict[str, str] = {
    "submitted": "申请已提交，请等待受理窗口审查。",
    "already_submitted": "该申请已经提交过，未重复创建。",
    "resubmitted": "补正材料已重新提交。",
    "accept": "已受理，系统正在制发受理通知书。",
    "request_correction": "已一次性告知补正，补正通知书正在制发。",
    "refuse": "已作出不予受理决定，决定书正在制发。",
    "draft": "拟办意见已提交科室审核。",
    "approve_draft": "审核通过，已转领导签发。",
    "return_draft": "已退回承办人。",
    "sign": "已签发，系统正在制发并送达文书。",
    "return_from_signing": "已退回承办人。",
    "postal": "邮寄信息已登记。",
}

STATUS_TONES: dict[Status, str] = {
    Status.DRAFT: "muted",
    Status.SUBMITTED: "warn",
    Status.CORRECTION: "warn",
    Status.NOT_ACCEPTED: "bad",
    Status.ACCEPTED: "info",
    Status.DRAFTING: "info",
    Status.REVIEWING: "info",
    Status.SIGNING: "info",
    Status.ISSUING: "info",
    Status.APPROVED: "good",
    Status.DENIED: "bad",
}

ITEM_STATUS_REASONS: dict[ItemStatus, str] = {
    ItemStatus.ABOLISHED: "已取消",
    ItemStatus.PROVINCIAL: "省级事项",
}
KIND_REASONS: dict[ProcessKind, str] = {
    ProcessKind.COMMITMENT: "告知承诺制事项，暂未开通网上申请",
    ProcessKind.FILING: "备案类事项，暂未开通网上申请",
    ProcessKind.SERVICE: "公共服务事项，暂未开通网上申请",
}
TIMELINE_ACTIONS: dict[str, str] = {"postal_dispatch": "登记邮寄结果"}
TIMELINE_ROLES: dict[str, str] = {"system": "自动流程"}


def flash_of(request: Request) -> str:
    return FLASH_MESSAGES.get(request.query_params.get("msg", ""), "")


def redirect_with(path: str, message: str) -> RedirectResponse:
    """303 to ``path`` showing the flash message ``message`` (a key of FLASH_MESSAGES)."""
    return RedirectResponse(f"{path}?{urlencode({'msg': message})}", status_code=303)


def limit_text(limit: Limit) -> str:
    if limit.days is None:
        return "无"
    if limit.days == 0:
        return "即办"
    return f"{limit.days} {unit_text(limit.unit)}"


def unit_text(unit: DayUnit | str) -> str:
    return "个工作日" if DayUnit(unit) is DayUnit.WORKING else "日"


def unavailable_reason(item: Item) -> str:
    """Why an item cannot be applied for online here ("" when it can)."""
    if item.status is not ItemStatus.ACTIVE:
        return item.status_note or ITEM_STATUS_REASONS.get(item.status, item.status.value)
    return KIND_REASONS.get(item.process_kind, "")


@dataclass(frozen=True)
class ClockView:
    """The turnaround line of a case page and how far along the statutory limit it is."""

    started: bool
    used: int
    unit: str
    calendar_days: int
    statutory: str
    promised: str
    percent: int
    tone: str


def clock_view(item: Item, started: bool, working_days: int, calendar_days: int) -> ClockView:
    unit = item.statutory.unit
    used = working_days if unit is DayUnit.WORKING else calendar_days
    tone = "good"
    promised, statutory = item.promised.days, item.statutory.days
    if promised is not None and used > promised:
        tone = "warn"
    if statutory is not None and used > statutory:
        tone = "bad"
    percent = min(100, round(100 * used / statutory)) if statutory else 0
    return ClockView(
        started=started,
        used=used,
        unit=unit_text(unit),
        calendar_days=calendar_days,
        statutory=limit_text(item.statutory),
        promised=limit_text(item.promised),
        percent=percent,
        tone=tone,
    )
