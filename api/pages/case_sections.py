"""Sections that feature pages add to the case page (告知承诺制, 前期指导, 远程会审 and 绿色通道,
听证, 拟批准公示), and the one statement that tells each whether it has anything to read.

The case page does not import the features: each feature page registers its section here —
a builder, and the facts it wants to know before reading more (``probes``: name → a scalar SQL
expression for an application id, e.g. an ``EXISTS`` on its table). The page reads every
section's facts in one statement (``SELECT (probe), (probe), …``) and gives each builder its
own, so a case without hearings, panels or a commitment costs one round trip, not one per
feature; a builder reads its rows only when its facts say there are some. The statement is
built once, on the case id as a bound parameter, and reused for every page (building the
probes per page cost as much as running the statement).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, bindparam
from sqlalchemy import select as sql_select
from sqlmodel import Session

from api.services import AppServices
from models import Application, User
from models.ids import id_of

# the application id (a bound parameter) → a scalar SQL expression
Probe = Callable[[ColumnElement[int]], ColumnElement[Any]]
Facts = Mapping[str, Any]  # a section's probes, answered
Builder = Callable[[Session, AppServices, User, Application, Facts], "dict[str, Any] | None"]


@dataclass(frozen=True)
class CaseSection:
    """A section of the case page: its builder (None when the section does not apply) and the
    facts read for it in the page's one statement."""

    build: Builder
    probes: Mapping[str, Probe] = field(default_factory=dict)


# name in the template → section
CASE_SECTIONS: dict[str, CaseSection] = {}
APPLICATION_ID = "application_id"  # the bound parameter every probe is built on


@dataclass(frozen=True)
class FactsStatement:
    """Every probe in one ``SELECT``, built once: (section, fact) per column, in order."""

    asked: tuple[tuple[str, str], ...]
    statement: Select[Any] | None  # None when no section probes


_statement: list[FactsStatement] = []  # built on first use, dropped when a section registers


def register_section(name: str, build: Builder, probes: Mapping[str, Probe] | None = None) -> None:
    CASE_SECTIONS[name] = CaseSection(build, dict(probes or {}))
    _statement.clear()


def facts_statement() -> FactsStatement:
    """The one statement for every registered section's probes."""
    if not _statement:
        application_id = bindparam(APPLICATION_ID, type_=Integer)
        asked = [
            (name, fact, probe(application_id))
            for name, section in CASE_SECTIONS.items()
            for fact, probe in section.probes.items()
        ]
        labelled = [expr.label(f"f{i}") for i, (_, _, expr) in enumerate(asked)]
        statement = sql_select(*labelled) if labelled else None
        _statement.append(FactsStatement(tuple((n, f) for n, f, _ in asked), statement))
    return _statement[0]


def section_facts(session: Session, application_id: int) -> dict[str, dict[str, Any]]:
    """Every section's facts about one case, in one statement (none when no section probes)."""
    facts: dict[str, dict[str, Any]] = {name: {} for name in CASE_SECTIONS}
    built = facts_statement()
    if built.statement is None:
        return facts
    row = session.execute(built.statement, {APPLICATION_ID: application_id}).one()
    for (name, fact), value in zip(built.asked, row, strict=True):
        facts[name][fact] = value
    return facts


def section_views(
    session: Session, services: AppServices, user: User, application: Application
) -> dict[str, dict[str, Any] | None]:
    """Each registered section built for the case (None where it does not apply)."""
    facts = section_facts(session, id_of(application))
    return {
        name: section.build(session, services, user, application, facts[name])
        for name, section in CASE_SECTIONS.items()
    }
