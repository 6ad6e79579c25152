"""The bureau's expert pool (环境影响评价审查专家库) in the database: seed it from the reference
file, read it as draw candidates, and find who sat on a project's earlier panels.

Services here ``flush()`` and never commit: the caller owns the transaction.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from approvals.errors import InvalidInput
from approvals.joint_review.expert_draw import SPECIALTIES, Candidate
from approvals.seed import DEMO_PASSWORD, demo_password_hash
from core.yamlfile import load_yaml
from models import Expert, Panel, PanelMember, Role, User

POOL_FILE = Path(__file__).resolve().parents[1] / "reference" / "experts.yaml"
GROUP_NUMBERS = range(1, 9)  # the bureau's 8 service expert groups
_FIELDS = ("code", "name", "title", "employer", "specialties", "group", "available", "email")


def _read(path: Path | None) -> tuple[Path, dict[str, Any]]:
    path = path or POOL_FILE
    data = load_yaml(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise _bad(path, "not a mapping")
    return path, data


def expert_groups(path: Path | None = None) -> dict[int, str]:
    """The service expert groups named in the pool file: number (1..8) -> name (the file is
    read once per path: the admin pages ask on every request)."""
    return dict(_groups_of(path or POOL_FILE))


@lru_cache(maxsize=8)
def _groups_of(path: Path) -> dict[int, str]:
    return _groups(*_read(path))


def _groups(path: Path, data: dict[str, Any]) -> dict[int, str]:
    groups = {int(g["number"]): str(g["name"]) for g in data.get("groups") or []}
    if sorted(groups) != list(GROUP_NUMBERS):
        raise _bad(path, f"groups must be numbered 1..8, got {sorted(groups)}")
    return groups


def load_pool_file(path: Path | None = None) -> list[dict[str, Any]]:
    """The experts in the pool file (default: the packaged fictional demo pool), in file order,
    each with the keys of ``_FIELDS``; codes unique, 1-3 known specialties, groups 1..8.
    A malformed file raises InvalidInput naming the file and the entry."""
    path, data = _read(path)
    groups = _groups(path, data)
    experts: list[dict[str, Any]] = []
    seen: set[str] = set()
    for raw in data.get("experts") or []:
        missing = [f for f in _FIELDS if f not in raw]
        code = str(raw.get("code", "?"))
        if missing:
            raise _bad(path, f"expert {code}: missing {missing}")
        specialties = list(raw["specialties"])
        if code in seen:
            raise _bad(path, f"expert {code}: duplicate code")
        if not 1 <= len(specialties) <= 3 or not set(specialties) <= set(SPECIALTIES):
            raise _bad(path, f"expert {code}: 1-3 specialties from {SPECIALTIES}")
        if raw["group"] not in groups:
            raise _bad(path, f"expert {code}: group {raw['group']!r} is not 1..8")
        seen.add(code)
        experts.append({f: raw[f] for f in _FIELDS} | {"specialties": specialties})
    if not experts:
        raise _bad(path, "no experts")
    return experts


def ensure_expert_pool(
    session: Session, path: Path | None = None, password: str = DEMO_PASSWORD
) -> int:
    """Create the pool file's experts that are missing: a User with Role.EXPERT (username =
    the expert's code, e.g. ``zj01``; ``password`` hashed once for all) and its Expert row.
    Returns how many experts were created (0 when all exist). Existing rows are left alone:
    availability and the like are staff data once seeded."""
    entries = load_pool_file(path)
    codes = [e["code"] for e in entries]
    users = {u.username: u for u in session.exec(select(User).where(col(User.username).in_(codes)))}
    for user in users.values():
        if user.role is not Role.EXPERT:
            raise InvalidInput(
                f"用户名{user.username}已被非专家账号使用",
                f"username {user.username} belongs to a {user.role} account",
            )
    user_ids = [u.id for u in users.values()]
    linked = set(session.exec(select(Expert.user_id).where(col(Expert.user_id).in_(user_ids))))
    hashed: str | None = None
    for entry in entries:
        if entry["code"] not in users:
            hashed = hashed or demo_password_hash(password)
            users[entry["code"]] = User(
                username=entry["code"],
                display_name=f"{entry['name']}（评审专家）",
                password_hash=hashed,
                role=Role.EXPERT,
                email=entry["email"],
            )
            session.add(users[entry["code"]])
    session.flush()
    created = 0
    for entry in entries:
        user = users[entry["code"]]
        if user.id in linked:
            continue
        session.add(
            Expert(
                user_id=user.id,
                name=entry["name"],
                title=entry["title"],
                employer=entry["employer"],
                specialties=entry["specialties"],
                group_no=entry["group"],
                available=bool(entry["available"]),
                email=entry["email"],
            )
        )
        created += 1
    session.flush()
    return created


def candidates(session: Session) -> list[Candidate]:
    """Every expert in the pool, available or not, sorted by id, as draw candidates."""
    experts = session.exec(select(Expert).order_by(col(Expert.id)))
    return [
        Candidate(
            expert_id=e.id or 0,
            name=e.name,
            employer=e.employer,
            specialties=frozenset(e.specialties),
            group_no=e.group_no,
            available=e.available,
            title=e.title,
        )
        for e in experts
    ]


def previous_panel_experts(session: Session, application_id: int) -> frozenset[int]:
    """Experts on any panel already drawn for this application, whatever their member state
    (invited, declined, replaced): none of them is drawn for it again."""
    rows = session.exec(
        select(PanelMember.expert_id)
        .join(Panel, col(Panel.id) == col(PanelMember.panel_id))
        .where(Panel.application_id == application_id)
    )
    return frozenset(rows)


def _bad(path: Path, problem: str) -> InvalidInput:
    return InvalidInput(f"专家库文件{path.name}有误：{problem}", f"{path.name}: {problem}")
