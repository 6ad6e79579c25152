"""The expert pool in the database, on SQLite and on PostgreSQL: seeding is idempotent, experts
sign in with Role.EXPERT, candidates round-trip, earlier panels are found, and a draw recorded
on a Panel row replays from it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from approvals.accounts import authenticate
from approvals.catalogue import shared_catalogue
from approvals.errors import InvalidInput
from approvals.joint_review.expert_draw import DrawRequest, draw, replay
from approvals.joint_review.expert_pool import (
    candidates,
    ensure_expert_pool,
    load_pool_file,
    previous_panel_experts,
)
from approvals.seed import DEMO_PASSWORD
from core.db import session_scope
from models import Application, Expert, Panel, PanelMember, Role, Status, User

CONSULTANT = "河南中环评价咨询有限公司"
AT = datetime(2026, 11, 20, 2, tzinfo=UTC)


def count(session: Session, model: type[Expert] | type[User]) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def add_application(session: Session, number: str) -> Application:
    applicant = session.exec(select(User).where(User.username == "qiye")).one()
    application = Application(
        number=number,
        item_code="EIA-01",
        item_version=shared_catalogue().get("EIA-01").version,
        enterprise_id=applicant.enterprise_id or 0,
        created_by=applicant.id or 0,
        status=Status.JOINT_REVIEW,
        project_name="郑州绿源精密机械年产5000台数控机床建设项目",
        site="郑州经济技术开发区第九大街88号",
        district="郑州经济技术开发区",
        industry_code="3421",
        total_investment=Decimal("12000.00"),
        env_investment=Decimal("360.00"),
        consultant=CONSULTANT,
        contact_email="qiye@lvyuan.example",
        created_at=AT,
    )
    session.add(application)
    session.flush()
    return application


def add_panel(
    session: Session, application: Application, members: dict[int, str], seed: int = 1
) -> Panel:
    officer = session.exec(select(User).where(User.username == "chengban")).one()
    panel = Panel(
        application_id=application.id or 0,
        seed=seed,
        size=len(members),
        drawn_at=AT,
        drawn_by=officer.id or 0,
    )
    session.add(panel)
    session.flush()
    for order, (expert_id, state) in enumerate(members.items(), start=1):
        session.add(
            PanelMember(panel_id=panel.id or 0, expert_id=expert_id, state=state, draw_order=order)
        )
    session.flush()
    return panel


def test_ensuring_the_pool_twice_creates_it_once(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert ensure_expert_pool(session) == 48
        session.commit()
    with session_scope(engine) as session:
        assert ensure_expert_pool(session) == 0
        session.commit()
        assert count(session, Expert) == 48
        assert count(session, User) == 48


def test_seeding_leaves_staff_changes_to_an_expert_alone(engine: Engine) -> None:
    with session_scope(engine) as session:
        ensure_expert_pool(session)
        first = session.exec(select(Expert).order_by(Expert.id)).first()
        assert first is not None and first.available
        first.available = False
        session.commit()
    with session_scope(engine) as session:
        ensure_expert_pool(session)
        again = session.get(Expert, first.id)
        assert again is not None and not again.available


def test_expert_accounts_have_the_expert_role_and_the_demo_password(engine: Engine) -> None:
    with session_scope(engine) as session:
        ensure_expert_pool(session)
        session.commit()
        users = session.exec(select(User).where(User.role == Role.EXPERT)).all()
        assert sorted(u.username for u in users) == [f"zj{n:02d}" for n in range(1, 49)]
        assert len({u.password_hash for u in users}) == 1  # hashed once, reused
        signed_in = authenticate(session, "zj01", DEMO_PASSWORD)
        assert signed_in.role is Role.EXPERT and signed_in.email == "zj01@zhuanjia.example"
        expert = session.exec(select(Expert).where(Expert.user_id == signed_in.id)).one()
        assert expert.name == "王建国" and expert.group_no == 1


def test_a_username_held_by_a_staff_account_is_refused(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add(
            User(
                username="zj07",
                display_name="同名职员",
                password_hash="x",
                role=Role.CASE_OFFICER,
                email="zj07@sthjj.example",
            )
        )
        session.commit()
        with pytest.raises(InvalidInput) as raised:
            ensure_expert_pool(session)
        assert "zj07" in raised.value.message_zh
        session.rollback()
        assert count(session, Expert) == 0


def test_candidates_round_trip_the_pool_file(engine: Engine) -> None:
    with session_scope(engine) as session:
        ensure_expert_pool(session)
        session.commit()
        pool = candidates(session)
    entries = load_pool_file()
    assert [c.expert_id for c in pool] == sorted(c.expert_id for c in pool)
    assert [(c.name, c.title, c.employer, c.group_no, c.available) for c in pool] == [
        (e["name"], e["title"], e["employer"], e["group"], e["available"]) for e in entries
    ]
    assert [c.specialties for c in pool] == [frozenset(e["specialties"]) for e in entries]


def test_previous_panel_experts_are_the_members_of_the_applications_panels(
    seeded: Engine,
) -> None:
    with session_scope(seeded) as session:
        ensure_expert_pool(session)
        ids = [c.expert_id for c in candidates(session)]
        case = add_application(session, "ZZHP-T-00001")
        other = add_application(session, "ZZHP-T-00002")
        assert previous_panel_experts(session, case.id or 0) == frozenset()
        add_panel(session, case, {ids[0]: "invited", ids[1]: "declined", ids[2]: "invited"})
        add_panel(session, case, {ids[3]: "invited", ids[2]: "invited", ids[4]: "invited"})
        add_panel(session, other, {ids[10]: "invited", ids[11]: "invited", ids[12]: "invited"})
        session.commit()
        assert previous_panel_experts(session, case.id or 0) == frozenset(ids[:5])
        assert previous_panel_experts(session, other.id or 0) == frozenset(ids[10:13])


def test_a_draw_recorded_on_a_panel_replays_from_the_row(seeded: Engine) -> None:
    with session_scope(seeded) as session:
        ensure_expert_pool(session)
        case = add_application(session, "ZZHP-T-00003")
        pool = candidates(session)
        request = DrawRequest(
            size=5,
            needed=("air", "noise"),
            seed=20261120,
            applicant_employers=frozenset({"郑州绿源精密机械有限公司", CONSULTANT}),
            previous_panel_experts=previous_panel_experts(session, case.id or 0),
        )
        result = draw(pool, request)
        panel = add_panel(session, case, {m: "invited" for m in result.members}, request.seed)
        panel.needed_specialties = list(request.needed)
        panel.candidates = list(result.candidates)
        panel.excluded = [e.as_record() for e in result.excluded]
        session.commit()
        panel_id = panel.id
    with session_scope(seeded) as session:
        stored = session.get(Panel, panel_id)
        assert stored is not None
        replayed = replay(candidates(session), stored)
    assert replayed == result
    by_id = {c.expert_id: c for c in pool}
    assert not any(by_id[m].employer == CONSULTANT for m in result.members)
