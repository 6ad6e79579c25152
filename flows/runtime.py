"""What a flow process needs, built once from the process settings."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy.engine import Engine

from approvals.catalogue import Catalogue, load_catalogue
from approvals.clock import Clock, SystemClock
from approvals.timekeeping.calendar import WorkingCalendar
from approvals.timekeeping.schedule import shared_calendar
from core.db import engine_for
from core.settings import Settings, get_settings
from mail import MailSender, build_sender
from storage import ObjectStore, build_store


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    engine: Engine
    store: ObjectStore
    sender: MailSender
    catalogue: Catalogue
    clock: Clock

    @property
    def calendar(self) -> WorkingCalendar:
        return shared_calendar()

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock | None = None) -> Runtime:
        return cls(
            settings=settings,
            engine=engine_for(settings),
            store=build_store(settings),
            sender=build_sender(settings),
            catalogue=load_catalogue(),
            clock=clock or SystemClock(),
        )


@lru_cache(maxsize=1)
def runtime() -> Runtime:
    """The runtime of a worker process (settings from its environment)."""
    return Runtime.from_settings(get_settings())
