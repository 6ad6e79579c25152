"""The application's collaborators, built once per app and reached through dependencies."""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import URLSafeTimedSerializer
from sqlalchemy.engine import Engine

from approvals.catalogue import Catalogue
from approvals.clock import Clock
from approvals.ports import FlowLauncher
from approvals.timekeeping.calendar import WorkingCalendar
from approvals.timekeeping.schedule import shared_calendar
from core.settings import Settings
from storage import ObjectStore


@dataclass(frozen=True)
class AppServices:
    settings: Settings
    engine: Engine
    store: ObjectStore
    catalogue: Catalogue
    clock: Clock
    launcher: FlowLauncher | None  # inline mode only: the workers run recorded work
    tokens: URLSafeTimedSerializer

    @property
    def calendar(self) -> WorkingCalendar:
        """The shared calendar: staff-loaded schedules take effect without a restart."""
        return shared_calendar()
