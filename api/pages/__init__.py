"""HTML pages (Jinja2, zh-CN) for applicants and staff.

Every page route hangs off ``router`` (included by ``api.app``) or, for the case page,
``first``; a state-changing request from another site's page is refused here, once, for all
of them.
"""

from fastapi import APIRouter, Depends

from api.pages import (
    accounts,
    applicant,
    auth,
    case,
    notice_feed,
    public,
    public_comments,
    public_notices,
    sso,
    staff,
)
from api.pages.security import same_origin

router = APIRouter(include_in_schema=False, dependencies=[Depends(same_origin)])
# The applicant's case page, the most requested page, is matched before every other route
# (the app includes ``first`` first): behind the API it was tried after ~220 routes, ~0.5 ms
# of its ~7 CPU-ms. Its path is no other route's (tests/api/test_route_order.py), so the
# order changes which routes are tried, never which one answers.
first = APIRouter(include_in_schema=False, dependencies=[Depends(same_origin)])
first.include_router(case.router)
for module in (
    auth,
    accounts,
    sso,
    applicant,
    staff,
    public,
    public_notices,
    notice_feed,
    public_comments,
):
    router.include_router(module.router)
import api.pages.guide  # noqa: E402, F401 - registers the /guide pages on router
from api.pages import (  # noqa: E402 - each registers its pages on router
    admin,  # noqa: F401 - 系统管理
    admin_branches,  # noqa: F401 - 分局: a staff account's unit
    admin_experts,  # noqa: F401 - 评审专家库
    admin_parks,  # noqa: F401 - 园区与告知承诺制范围 (versioned, audited changes)
    apply,  # noqa: F401 - the apply form, its staged materials
    audit,  # noqa: F401 - /audit
    commitment,  # noqa: F401 - 告知承诺制
    consultation,  # noqa: F401 - 靠前服务：前期指导
    drafts,  # noqa: F401 - the applicant's draft: 编辑、撤回
    enterprise,  # noqa: F401 - 企业账号管理
    exchange,  # noqa: F401 - 数据交换（报送记录、信用名单）
    expert,  # noqa: F401 - 专家工作台
    fact_checks,  # noqa: F401 - 数据来源与核实 (staff)
    hearings,  # noqa: F401 - 听证
    helpers,  # noqa: F401 - 帮办代办
    joint_review,  # noqa: F401 - 远程会审
    liaison,  # noqa: F401 - 万人助万企：包联企业、问题台账
    live,  # noqa: F401 - live queues: /queue/live
    pre_approval,  # noqa: F401 - 拟批准公示 (the leader publishes it)
    ratings,  # noqa: F401 - 好差评
    tolerance,  # noqa: F401 - 容缺受理、失信名单
    verify_pdf,  # noqa: F401 - 上传PDF核验电子签名
)
