"""The FastAPI application factory."""

from __future__ import annotations

from functools import partial

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine

from api import pages
from api.auth import make_serializer
from api.body_limit import BodyLimit, route_limit
from api.contract import install_contract
from api.docs import install_docs
from api.errors import install_error_handlers
from api.headers import SecurityHeaders
from api.routers import (
    account,
    admin,
    admin_accounts,
    admin_reference,
    applications,
    audit,
    audit_commitment,
    audit_notices,
    commitment,
    consultation,
    enterprise,
    events,
    exchange,
    guide,
    hearings,
    helpers,
    item_facts,
    joint_review,
    liaison,
    licences,
    notice_publication,
    public,
    public_notices,
    ratings,
    reference,
    registration,
    staff,
    tolerance,
    verify_pdf,
)
from api.services import AppServices
from approvals.catalogue import Catalogue, load_catalogue
from approvals.clock import Clock, SystemClock
from approvals.ports import FlowLauncher
from approvals.rooms import compose
from approvals.timekeeping import holidays
from approvals.timekeeping.schedule import install_overrides
from core.db import engine_for, session_scope
from core.serving import serving_settings
from core.settings import ASSETS_DIR, DispatchMode, Settings, get_settings
from storage import ObjectStore, build_store

DESCRIPTION = """
郑州市生态环境局 环评审批工作流服务的接口（OpenAPI）。

* 登录：`POST /api/auth/token`（用户名、密码）取得 Bearer 令牌；`POST /api/auth/logout`
  退出（令牌在服务端作废）。连续5次密码错误锁定15分钟（429，`Retry-After`）。
  网页会话 Cookie 不能用于接口的写操作（须 Bearer 令牌）。
* 申请人：创建申请 → 上传材料（PDF）→ 提交；查看办件进度、下载文书。
* 工作人员：按角色查看待办队列，受理/补正/不予受理、拟办、审核、签发，登记邮寄结果。
* 错误统一为 `{"error", "message"(中文), "message_en", "details"}`（ErrorBody），
  各接口列明可能的状态码。
* 办件版本：办件详情的 `ETag` 即 `version`；工作人员操作可带 `If-Match`，不符返回412。
* 跟踪办件：`GET /api/events?after=…` 按顺序列出可见办件的状态变化和文书制发（自动推进的状态见
  `GET /api/reference/statuses`）；辖区、行业、告知承诺制类型和园区、事项材料、动作及其接口见
  `/api/reference/…`。
"""


def load_calendar_overrides(engine: Engine) -> None:
    """Install the staff-loaded holiday schedules (the database must be migrated)."""
    with session_scope(engine) as session:
        install_overrides(holidays.overrides(session))


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    store: ObjectStore | None = None,
    catalogue: Catalogue | None = None,
    clock: Clock | None = None,
    launcher: FlowLauncher | None = None,
) -> FastAPI:
    """Build the app. Anything not passed is built from ``settings`` (tests pass their own).
    ``launcher`` runs recorded work in process after a response (``dispatch_mode=inline``);
    without one (``prefect``), the app only records it and the workers claim it: no request
    ever calls the orchestrator.
    The settings pass ``serving_settings`` first: no app serves with a missing, weak or
    published secret (``core.serving`` raises ``InsecureSettings`` naming the variable)."""
    compose()  # every feature registered with the shared case logic (approvals/rooms.py)
    settings = serving_settings(settings or get_settings())
    if launcher is None and settings.dispatch_mode is not DispatchMode.PREFECT:
        raise ValueError("dispatch_mode=inline needs a launcher passed to create_app")
    services = AppServices(
        settings=settings,
        engine=engine or engine_for(settings),
        store=store or build_store(settings),
        catalogue=catalogue or load_catalogue(),
        clock=clock or SystemClock(),
        launcher=launcher,
        tokens=make_serializer(settings.secret_key),
    )
    app = FastAPI(
        title="环评审批工作流服务 EIA approvals",
        docs_url=None,  # served from the app's own assets by api.docs
        redoc_url=None,
        version="0.1.0",
        description=DESCRIPTION,
        openapi_tags=[
            {"name": "公共 public", "description": "登录、事项目录、文书核验"},
            {"name": "申请人 applicant", "description": "网上申请与办件查询"},
            {"name": "工作人员 staff", "description": "受理、审查、审核、签发"},
            {"name": "告知承诺制 commitment", "description": "适用条件判定、告知承诺书、事后核查"},
            {
                "name": "远程会审 joint review",
                "description": "专家抽取、会审意见、专家工作台、绿色通道",
            },
            {"name": "电子监察 auditor", "description": "办理时效统计、环节耗时、导出"},
            {"name": "管理 admin", "description": "年度节假日安排导入"},
            {"name": "容缺受理 tolerance", "description": "容缺受理承诺、补交材料、失信名单"},
            {"name": "好差评 ratings", "description": "企业评价、差评整改反馈、申诉复核、统计"},
        ],
    )
    app.state.services = services
    load_calendar_overrides(services.engine)
    install_error_handlers(app)
    install_contract(app)
    install_docs(app)

    app.include_router(pages.first)  # the case page, matched before ~220 other routes
    app.include_router(public.router)
    app.include_router(verify_pdf.router)
    app.include_router(licences.router)
    app.include_router(exchange.router)
    app.include_router(public_notices.router)
    app.include_router(notice_publication.router)
    app.include_router(account.router)
    app.include_router(registration.router)
    app.include_router(enterprise.router)
    app.include_router(guide.router)
    app.include_router(reference.router)
    app.include_router(events.router)
    app.include_router(applications.router)
    app.include_router(staff.router)
    app.include_router(admin.router)
    app.include_router(admin_accounts.router)
    app.include_router(admin_reference.router)
    app.include_router(item_facts.router)
    app.include_router(commitment.router)
    app.include_router(joint_review.router)
    app.include_router(hearings.router)
    app.include_router(audit.router)
    app.include_router(audit_notices.router)
    app.include_router(audit_commitment.router)
    app.include_router(tolerance.router)
    app.include_router(ratings.router)
    app.include_router(consultation.router)
    app.include_router(liaison.router)
    app.include_router(helpers.router)
    app.include_router(pages.router)
    if ASSETS_DIR.is_dir():
        app.mount("/assets", StaticFiles(directory=ASSETS_DIR), name="assets")
    app.add_middleware(
        BodyLimit, limit_for=partial(route_limit, services.settings, services.catalogue)
    )
    app.add_middleware(SecurityHeaders)  # outermost: every response, errors and assets too
    return app
