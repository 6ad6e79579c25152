"""Demo accounts for the embedded default: one per role and one applicant enterprise."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlmodel import Session, select

from approvals.accounts import hash_password
from approvals.uscc import check_character
from models import Enterprise, Role, User

DEMO_USCC_BODY = "91410100MA9FXXK20"  # the check character is appended
DEMO_PASSWORD = "eia-demo-2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: Role


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("qiye", "郑州绿源精密机械有限公司（申请人）", Role.APPLICANT),
    DemoAccount("shouli", "王受理（受理窗口）", Role.INTAKE_OFFICER),
    DemoAccount("chengban", "李承办（承办人）", Role.CASE_OFFICER),
    DemoAccount("kezhang", "张科长（科室负责人）", Role.SECTION_CHIEF),
    DemoAccount("lingdao", "赵局长（分管领导）", Role.LEADER),
    DemoAccount("jiancha", "陈监察（电子监察）", Role.AUDITOR),
    DemoAccount("admin", "系统管理员", Role.ADMIN),
)


@lru_cache(maxsize=4)
def demo_password_hash(password: str) -> str:
    """One argon2 hash per process for the demo accounts and the demo expert pool (each hash
    costs ~0.1 s)."""
    return hash_password(password)


def demo_uscc() -> str:
    return DEMO_USCC_BODY + check_character(DEMO_USCC_BODY)


def ensure_demo_accounts(session: Session, password: str = DEMO_PASSWORD) -> bool:
    """Create the demo enterprise and accounts unless they exist; True when created."""
    if session.exec(select(User.id).where(User.username == "qiye")).first() is not None:
        return False
    enterprise = Enterprise(
        uscc=demo_uscc(),
        name="郑州绿源精密机械有限公司",
        email="qiye@lvyuan.example",
        address="郑州经济技术开发区第九大街88号",
        legal_representative="王建国",
    )
    session.add(enterprise)
    session.flush()
    hashed = demo_password_hash(password)
    for account in DEMO_ACCOUNTS:
        session.add(
            User(
                username=account.username,
                display_name=account.display_name,
                password_hash=hashed,
                role=account.role,
                email=f"{account.username}@{_domain(account.role)}",
                enterprise_id=enterprise.id if account.role is Role.APPLICANT else None,
                # the demo enterprise's user administers its accounts (as a registrant would)
                is_enterprise_admin=account.role is Role.APPLICANT,
            )
        )
    session.flush()
    return True


def _domain(role: Role) -> str:
    return "lvyuan.example" if role is Role.APPLICANT else "sthjj.example"
