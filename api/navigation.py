"""Where each role starts and which pages its menu offers: one table, read by the front door,
the sign-in redirects (``home_for``) and the header menu (``menu_for`` in ``base.html``).

A role's menu lists every top-level page the role may open and none it may not; its first
link is the role's start page. tests/e2e/test_navigation.py checks both against the pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from models import Role

MenuLink = tuple[str, str]  # (path, label)

GUIDE: MenuLink = ("/guide", "办事指南")
VERIFY: MenuLink = ("/verify", "文书核验")
FACTS: MenuLink = ("/admin/facts", "数据来源与核实")
AUDIT: tuple[MenuLink, ...] = (
    ("/audit", "电子监察"),
    ("/audit/commitment", "承诺制对比"),
    ("/audit/ratings", "好差评统计"),
    ("/audit/consultations", "前期指导统计"),
    ("/audit/problems", "问题台账统计"),
)
RATINGS: MenuLink = ("/ratings", "差评整改")  # 好差评: bad ratings to follow up
CREDIT: MenuLink = ("/credit-list", "失信名单")  # 容缺受理 is refused to those listed
CONSULTATIONS: MenuLink = ("/consultations", "前期指导")  # 靠前服务
EXCHANGE: MenuLink = ("/exchange", "数据交换")  # national reporting, credit lists (staff, audit)
LIAISON: MenuLink = ("/liaison", "包联企业")  # 万人助万企: key enterprises and their liaison
PROBLEMS: MenuLink = ("/problems", "问题台账")  # 万人助万企: the problem ledger
HELPERS: MenuLink = ("/helpers", "帮办代办")  # authorisations of 帮办员 to act for an enterprise
STAFF_MENU: tuple[MenuLink, ...] = (
    ("/queue", "我的待办"), CONSULTATIONS, LIAISON, PROBLEMS, HELPERS, RATINGS, FACTS, CREDIT,
    EXCHANGE, GUIDE, VERIFY,
)  # fmt: skip

NOTICES: MenuLink = ("/public/notices", "公示公告")  # 受理公示 and comments, no account
VISITOR_MENU: tuple[MenuLink, ...] = (
    ("/login", "登录"),
    ("/register", "企业注册"),
    GUIDE,
    NOTICES,
    VERIFY,
)
MENUS: dict[Role, tuple[MenuLink, ...]] = {
    Role.APPLICANT: (
        ("/my", "我的办件"),
        ("/apply", "网上申请"),
        CONSULTATIONS,
        PROBLEMS,
        HELPERS,
        ("/enterprise", "企业账号"),
        GUIDE,
        VERIFY,
    ),
    Role.EXPERT: (("/expert", "专家工作台"), GUIDE, VERIFY),
    Role.INTAKE_OFFICER: STAFF_MENU,
    Role.CASE_OFFICER: STAFF_MENU,
    Role.SECTION_CHIEF: STAFF_MENU,
    Role.LEADER: STAFF_MENU,
    Role.AUDITOR: (*AUDIT, CONSULTATIONS, FACTS, CREDIT, EXCHANGE, GUIDE, VERIFY),
    Role.ADMIN: (
        ("/admin", "系统管理"),
        CONSULTATIONS,
        LIAISON,
        PROBLEMS,
        HELPERS,
        RATINGS,
        *AUDIT,
        FACTS,
        CREDIT,
        EXCHANGE,
        GUIDE,
        VERIFY,
    ),
}
# The roles that work cases from a queue (受理、承办、审核、签发).
QUEUE_ROLES = (Role.INTAKE_OFFICER, Role.CASE_OFFICER, Role.SECTION_CHIEF, Role.LEADER)


# Menu links that show a live count: the small JSON the page script polls for it.
LIVE_COUNTS: dict[str, str] = {"/queue": "/queue/live"}


@dataclass(frozen=True)
class MenuEntry:
    href: str
    label: str
    current: bool
    count_url: str = ""  # polled by the page script for the count shown beside the label


def home_of(role: Role) -> str:
    """The start page of ``role``: the first link of its menu."""
    return MENUS[role][0][0]


def menu_for(role: Role | None, path: str) -> list[MenuEntry]:
    """The menu of ``role`` (None: a visitor) with the entry for ``path`` marked current: the
    longest link that is ``path`` or a folder above it (``/audit/commitment`` is not ``/audit``)."""
    links = VISITOR_MENU if role is None else MENUS[role]
    matching = [href for href, _ in links if path == href or path.startswith(href + "/")]
    current = max(matching, key=len, default=None)
    return [
        MenuEntry(href, label, href == current, LIVE_COUNTS.get(href, "")) for href, label in links
    ]
