"""A fresh start (the database ``eia up`` prepares) is complete enough for every feature: the
demo expert pool is seeded with its accounts, so a 远程会审 draws its panel at once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rich.console import Console
from sqlmodel import func, select

from api.app import create_app
from approvals.catalogue import Catalogue
from approvals.clock import FixedClock
from cli.database import prepare_database
from core.db import make_engine, session_scope
from core.settings import Settings
from flows.inline import InlineLauncher
from flows.runtime import Runtime
from mail import EmlFolderSender
from models import Expert, Role, User
from storage import FilesystemStore
from tests.helpers import create_submitted, sign_in


@pytest.fixture
def fresh(settings: Settings, catalogue: Catalogue, clock: FixedClock) -> Iterator[TestClient]:
    """The app on the database ``eia up`` prepares from nothing (SQLite in var_dir)."""
    assert prepare_database(Console(quiet=True), settings) is True
    engine = make_engine(settings.resolved_database_url)
    runtime = Runtime(
        settings=settings,
        engine=engine,
        store=FilesystemStore(settings.resolved_storage_dir),
        sender=EmlFolderSender(settings.resolved_outbox_dir),
        catalogue=catalogue,
        clock=clock,
    )
    app = create_app(
        settings,
        engine=engine,
        store=runtime.store,
        catalogue=catalogue,
        clock=clock,
        launcher=InlineLauncher(runtime),
    )
    with TestClient(app, base_url="https://testserver") as client:
        yield client
    engine.dispose()


def test_a_fresh_start_seeds_the_expert_pool_with_accounts(
    settings: Settings, tmp_path: Path
) -> None:
    assert prepare_database(Console(quiet=True), settings) is True
    assert prepare_database(Console(quiet=True), settings) is False  # idempotent
    engine = make_engine(settings.resolved_database_url)
    with session_scope(engine) as session:
        experts = session.exec(select(func.count()).select_from(Expert)).one()
        accounts = session.exec(
            select(func.count()).select_from(User).where(User.role == Role.EXPERT)
        ).one()
    engine.dispose()
    assert experts == accounts == 48


def test_a_joint_review_draws_its_panel_on_a_fresh_start(fresh: TestClient) -> None:
    applicant = sign_in(fresh, "qiye")
    case = create_submitted(fresh, applicant)  # EIA-01, a report book: 5 experts
    accepted = fresh.post(
        f"/api/applications/{case['id']}/accept", headers=sign_in(fresh, "shouli")
    )
    assert accepted.status_code == 200, accepted.text
    started = fresh.post(
        f"/api/applications/{case['id']}/joint-review",
        json={
            "needed": ["air", "water"],
            "meeting_at": "2026-11-25T09:30:00+08:00",
            "video_link": "https://meeting.example/j/1",
        },
        headers=sign_in(fresh, "chengban"),
    )
    assert started.status_code == 201, started.text
    assert started.json()["size"] == 5
    expert = sign_in(fresh, "zj01")  # the expert accounts sign in with the demo password
    assert fresh.get("/api/me", headers=expert).json()["role"] == "expert"
