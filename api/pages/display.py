"""How things read on a page: flash messages, status colours, time limits, the clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse

from approvals.audit_labels import AUDIT_ACTION_LABELS
from approvals.casework.cases import RUNNABLE_KINDS
from approvals.catalogue import DayUnit, Item, ItemStatus, Limit, ProcessKind
from approvals.catalogue.process.standard import FINAL
from approvals.timekeeping.calendar import OFFICIAL_YEARS
from models import Role, Status
from models.enums import STATUS_LABELS, WARNING_LABELS, WarningLevel
from models.schemas import ApplicationPublic, ClockPublic

# ?msg= carries one of these codes, never free text: a link cannot put words on our pages.
FLASH_MESSAGES: dict[str, str] = {
    "submitted": "申请已提交，请等待受理窗口审查。",
    "already_submitted": "该申请已经提交过，未重复创建。",
    "resubmitted": "补正材料已重新提交。",
    "draft_saved": "草稿已保存。",
    "draft_withdrawn": "草稿已撤回。",
    "accept": "已受理，系统正在制发受理通知书。",
    "request_correction": "已一次性告知补正，补正通知书正在制发。",
    "refuse": "已作出不予受理决定，决定书正在制发。",
    "draft": "拟办意见已提交科室审核。",
    "approve_draft": "审核通过，已转领导签发。",
    "return_draft": "已退回承办人。",
    "sign": "已签发，系统正在制发并送达文书。",
    "return_from_signing": "已退回承办人。",
    "postal": "邮寄信息已登记。",
    "pause_clock": "已暂停计时，特别程序告知书正在制发并送达申请人。",
    "resume_clock": "已恢复计时。",
    "filed": "已即时备案，备案回执已生成，可在下方下载。",
    "service_submitted": "已提交，受理窗口登记分办后由承办人书面答复。",
    "accept_service": "已受理并分办，转承办人答复。",
    "answer": "已答复，系统正在制发答复书并送达申请人。",
    "password_reset": "密码已重置，原有登录已全部退出，请用新密码登录。",
    "unlocked": "账号已解锁，请重新登录。",
    "invitation_accepted": "密码已设置，请用新密码登录。",
    "verification_sent": "验证邮件已重新发送，请查收（以最新一封为准）。",
    "member_invited": "邀请邮件已发送，对方打开邮件中的链接设置密码后即可登录。",
    "member_disabled": "已停用该用户，其登录已全部退出。",
    "member_enabled": "已启用该用户。",
    "agent_authorised": "已授权该代理机构代为申请。",
    "agent_revoked": "已撤销授权，该代理机构不能再代为申请或查看其代办的办件。",
}

# Every status has a tone: one added later shows as "info" until it is given its own.
STATUS_TONES: dict[Status, str] = dict.fromkeys(Status, "info") | {
    Status.DRAFT: "muted",
    Status.SUBMITTED: "warn",
    Status.CORRECTION: "warn",
    Status.NOT_ACCEPTED: "bad",
    Status.APPROVED: "good",
    Status.DENIED: "bad",
    Status.FILED: "good",
    Status.ANSWERED: "good",
    Status.CLOSED: "good",
    Status.REVISION: "warn",
    Status.REVOKING: "warn",
    Status.REVOKED: "bad",
    Status.RETURNED: "bad",
}

ITEM_STATUS_REASONS: dict[ItemStatus, str] = {
    ItemStatus.ABOLISHED: "已取消",
    ItemStatus.PROVINCIAL: "省级事项",
}
KIND_REASONS: dict[ProcessKind, str] = {ProcessKind.COMMITMENT: "告知承诺制通道建设中"}
KIND_SHORT_LABELS: dict[ProcessKind, str] = {
    ProcessKind.STANDARD: "一般程序",
    ProcessKind.COMMITMENT: "告知承诺",
    ProcessKind.FILING: "即时备案",
    ProcessKind.SERVICE: "公共服务",
}
TIMELINE_ACTIONS: dict[str, str] = AUDIT_ACTION_LABELS  # the actions besides the graph's
TIMELINE_ROLES: dict[str, str] = {"system": "自动流程"}


def flash_of(request: Request) -> str:
    return FLASH_MESSAGES.get(request.query_params.get("msg", ""), "")


def redirect_with(path: str, message: str, anchor: str = "") -> RedirectResponse:
    """303 to ``path`` showing the flash message ``message`` (a key of FLASH_MESSAGES)."""
    fragment = f"#{anchor}" if anchor else ""
    return RedirectResponse(f"{path}?{urlencode({'msg': message})}{fragment}", status_code=303)


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
    if item.process_kind not in RUNNABLE_KINDS:
        return KIND_REASONS.get(item.process_kind, "暂未开通网上申请")
    return ""


PROVISIONAL_NOTE = f"{OFFICIAL_YEARS.stop}年起的节假日安排尚未发布，按固定节日推算"
WARNING_TONES: dict[WarningLevel, str] = {
    WarningLevel.NONE: "good",
    WarningLevel.YELLOW: "yellow",
    WarningLevel.RED: "red",
}
WARNING_ORDER: dict[WarningLevel, int] = {WarningLevel.RED: 0, WarningLevel.YELLOW: 1}
PAUSE_FORM_ROLES = frozenset({Role.CASE_OFFICER, Role.SECTION_CHIEF})
PAUSE_FORM_STATUSES = frozenset({Status.DRAFTING, Status.REVIEWING})


def warning_badge(level: WarningLevel | str) -> dict[str, str]:
    """{"tone", "label"} of a warning level: 正常 green, 黄牌预警 yellow, 红牌超期 red."""
    level = WarningLevel(level)
    return {"tone": WARNING_TONES[level], "label": WARNING_LABELS[level]}


def simple_clock_status(case: ApplicationPublic, paused: bool = False) -> dict[str, str]:
    """What an applicant's list says about the time limit, in plain words."""
    if case.status in FINAL:
        return {"tone": "muted", "label": "已办结"}
    if case.accepted_on is None:
        return {"tone": "muted", "label": "受理后起算"}
    if paused:
        return {"tone": "info", "label": "计时暂停"}
    if case.warning == WarningLevel.RED:
        return {"tone": "bad", "label": "已超期"}
    if case.warning == WarningLevel.YELLOW:
        return {"tone": "warn", "label": "临近期限"}
    return {"tone": "good", "label": "按期办理中"}


@dataclass(frozen=True)
class ClockView:
    """The 法定时限 panel of a case page: the statutory clock read as a person reads it."""

    started: bool
    started_on: date | None
    used: int
    limit_days: int | None  # None: no statutory limit; 0: 即办
    limit: str  # "30 个工作日", "无", "即办"
    unit: str  # 个工作日 / 日
    remaining: int | None
    overdue: int  # days past the limit (0 when within it)
    due_on: date | None
    provisional: bool  # the statutory due date leans on a year without the official schedule
    promised: str
    promised_unit: str
    promised_used: int
    promised_limit: int | None
    promised_due_on: date | None
    promised_provisional: bool
    promised_over: bool
    step_label: str
    step_used: int | None
    step_budget: int | None
    step_over: bool
    paused: bool
    pause_reason: str
    paused_days: int
    warning: WarningLevel
    tone: str
    badge: str
    percent: int


def _provisional(day: date | None, any_provisional: bool) -> bool:
    """The clock has one provisional flag; a date before the first year without the official
    schedule was counted on official days only, so it is not marked."""
    return any_provisional and day is not None and day.year >= OFFICIAL_YEARS.stop


def clock_view(item: Item, status: Status, clock: ClockPublic) -> ClockView:
    limit = clock.limit
    remaining = clock.remaining
    promised_used_over = clock.promised_limit is not None and (
        clock.promised_used > clock.promised_limit
    )
    step_over = (
        clock.step_budget is not None
        and clock.step_used is not None
        and clock.step_used > clock.step_budget
    )
    badge = warning_badge(clock.warning)
    return ClockView(
        started=clock.started_on is not None,
        started_on=clock.started_on,
        used=clock.used,
        limit_days=limit,
        limit=limit_text(item.statutory),
        unit=unit_text(clock.unit),
        remaining=remaining,
        overdue=-remaining if remaining is not None and remaining < 0 else 0,
        due_on=clock.due_on,
        provisional=_provisional(clock.due_on, clock.provisional),
        promised=limit_text(item.promised),
        promised_unit=unit_text(item.promised.unit),
        promised_used=clock.promised_used,
        promised_limit=clock.promised_limit,
        promised_due_on=clock.promised_due_on,
        promised_provisional=_provisional(clock.promised_due_on, clock.provisional),
        promised_over=promised_used_over,
        step_label=STATUS_LABELS[status],
        step_used=clock.step_used,
        step_budget=clock.step_budget,
        step_over=step_over,
        paused=clock.paused,
        pause_reason=clock.pause_reason or "",
        paused_days=clock.paused_days,
        warning=clock.warning,
        tone=badge["tone"],
        badge=badge["label"],
        percent=min(100, round(100 * clock.used / limit)) if limit else 0,
    )


def pause_form_shown(role: Role, status: Status, started_on: date | None) -> bool:
    """The 暂停计时 / 恢复计时 controls: case officer or section chief, accepted, in review."""
    return role in PAUSE_FORM_ROLES and status in PAUSE_FORM_STATUSES and started_on is not None
