"""The commitment fast track's data: its scope (10 categories / 27 types) and eligible parks.

Both are validated YAML files under ``approvals/reference/`` that administrators replace
without a code change: ``commitment_scope.yaml`` and ``parks.yaml`` (their headers say how).
``load_scope()`` / ``load_parks()`` read and validate one file and raise ``ScopeDataError``
naming it; ``shared_scope()`` / ``shared_parks()`` load the packaged files once per process.
``point_in_polygon`` (ray casting; an edge or vertex counts as inside) places a site in a park's
boundary. The rules that use the data live in ``approvals.commitment.eligibility``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterator
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Self, TypeVar

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from approvals.catalogue.districts import ZHENGZHOU_DISTRICTS
from approvals.catalogue.industry import industry_reference
from approvals.catalogue.schema import Evidence
from core.yamlfile import load_yaml

REFERENCE_DIRECTORY = Path(__file__).resolve().parents[1] / "reference"
SCOPE_FILE = REFERENCE_DIRECTORY / "commitment_scope.yaml"
PARKS_FILE = REFERENCE_DIRECTORY / "parks.yaml"

# A generous box around Zhengzhou (lon 112.7-114.2, lat 34.3-35.0): catches swapped lon/lat.
ZHENGZHOU_LONGITUDE = (112.5, 114.5)
ZHENGZHOU_LATITUDE = (34.0, 35.2)

Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
GbCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{3,4}$")]


class ScopeDataError(ValueError):
    """A scope or parks file is missing, malformed or inconsistent; the message names it."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ScopeType(_Frozen):
    """One 小类 of the scope: a 2021 名录 item narrowed to some GB/T 4754 codes."""

    code: Annotated[str, StringConstraints(pattern=r"^[0-9]{2}-[0-9]{1,2}$")]  # "36-1"
    minglu_item: int = Field(ge=1, le=173)  # 名录 二级项目类别序号
    name_zh: Text
    gb_codes: tuple[GbCode, ...] = Field(min_length=1)  # 中类 (3 digits) or 小类 (4 digits)
    evidence: Evidence
    note: str = ""
    # Non-empty while the type is suspended (暂停适用) by the administrator: the reason and
    # its basis, stated to an applicant whose project falls under it.
    suspended: str = ""

    def covers(self, industry_code: str) -> bool:
        """Whether a digits-only industry code falls under one of ``gb_codes``.

        The code must be at least as specific as the listed code: "3670" and "367" fall under
        "367"; "36" falls under nothing (too coarse to tell).
        """
        return any(industry_code.startswith(code) for code in self.gb_codes)


class ScopeCategory(_Frozen):
    """One 大类 of the scope, keyed by its GB/T 4754 division code."""

    code: Annotated[str, StringConstraints(pattern=r"^[0-9]{2}$")]
    name_zh: Text
    evidence: Evidence
    note: str = ""
    types: tuple[ScopeType, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _types_belong_to_the_category(self) -> Self:
        if self.code not in industry_reference().divisions:
            raise ValueError(f"category {self.code}: not a GB/T 4754-2017 大类")
        for item in self.types:
            if not item.code.startswith(f"{self.code}-"):
                raise ValueError(f"type {item.code}: code must start with {self.code}-")
            stray = [c for c in item.gb_codes if not c.startswith(self.code)]
            if stray:
                raise ValueError(f"type {item.code}: gb_codes {stray} are not in {self.code}")
        return self


class ScopeCounts(_Frozen):
    categories: int = Field(ge=1)
    types: int = Field(ge=1)


class CommitmentScope(_Frozen):
    """The fast track's scope. ``evidence`` is ``inferred`` while any entry is inferred."""

    version: int = Field(ge=1)
    evidence: Evidence
    inferred_note: str = ""
    scope_phrase: str = ""
    classification_basis: str = ""
    sources: tuple[Text, ...] = Field(min_length=1)
    counts: ScopeCounts
    categories: tuple[ScopeCategory, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        types = list(self.types())
        if (len(self.categories), len(types)) != (self.counts.categories, self.counts.types):
            raise ValueError(
                f"counts say {self.counts.categories} categories / {self.counts.types} types, "
                f"the data has {len(self.categories)} / {len(types)}"
            )
        _unique("category code", [c.code for c in self.categories])
        _unique("type code", [t.code for t in types])
        owners = [(code, t.code) for t in types for code in t.gb_codes]
        for code, owner in owners:
            clash = [o for c, o in owners if c != code and c.startswith(code)]
            clash += [o for c, o in owners if c == code and o != owner]
            if clash:
                raise ValueError(f"gb_code {code} of type {owner} overlaps type(s) {clash}")
        inferred = [t.code for t in types if t.evidence is Evidence.INFERRED]
        inferred += [c.code for c in self.categories if c.evidence is Evidence.INFERRED]
        if inferred and self.evidence is not Evidence.INFERRED:
            raise ValueError(f"evidence must be 'inferred' while entries {inferred} are")
        return self

    def types(self) -> Iterator[ScopeType]:
        for category in self.categories:
            yield from category.types

    def type_for_code(self, industry_code: str) -> ScopeType | None:
        """The type covering a digits-only industry code (at most one: codes do not overlap)."""
        return next((t for t in self.types() if t.covers(industry_code)), None)

    def category_of(self, scope_type: ScopeType) -> ScopeCategory:
        return next(c for c in self.categories if scope_type in c.types)

    def category_for_division(self, division: str) -> ScopeCategory | None:
        return next((c for c in self.categories if c.code == division), None)


class ParkLevel(StrEnum):
    NATIONAL = "国家级"
    PROVINCIAL = "省级"
    MUNICIPAL = "市级"


class ParkKind(StrEnum):
    FREE_TRADE_ZONE = "free_trade_zone"  # 自贸区片区
    DEVELOPMENT_ZONE = "development_zone"  # 开发区 / 产业园区


class PlanEiaStatus(StrEnum):
    PASSED = "passed"  # 规划环评已通过审查
    UNDER_REVIEW = "under_review"  # 审查中
    NOT_PASSED = "not_passed"  # 未通过审查或尚未开展
    UNKNOWN = "unknown"  # 审查情况未能核实 (never a placeholder status in its stead)


class PlanEia(_Frozen):
    """A park's plan EIA (规划环评). Only a *confirmed* status (found or legal evidence) is ever
    stated to an applicant; an unconfirmed negative one is treated as unknown."""

    status: PlanEiaStatus
    date: dt.date | None = None  # of the review opinion, or of the status when not passed
    reviewer: str = ""
    evidence: Evidence
    note: str = ""
    source: str = ""

    @model_validator(mode="after")
    def _no_placeholder(self) -> Self:
        if "placeholder" in self.note.lower() and self.status is not PlanEiaStatus.UNKNOWN:
            raise ValueError(
                f"plan_eia status {self.status.value!r} is a placeholder: use 'unknown' until "
                "the park's plan EIA is verified"
            )
        return self

    @property
    def confirmed(self) -> bool:
        """Whether the status rests on a source (not inferred) and is known."""
        return self.evidence is not Evidence.INFERRED and self.status is not PlanEiaStatus.UNKNOWN

    def passed_by(self, day: dt.date) -> bool:
        """Passed on or before ``day`` (a passed status without a date: taken as before)."""
        return self.status is PlanEiaStatus.PASSED and (self.date is None or self.date <= day)

    def label(self) -> str:
        """What an applicant may read about it: a confirmed status, else that it is unknown
        ("" for an unconfirmed pass, which is assumed but never stated)."""
        if self.status is PlanEiaStatus.PASSED:
            if not self.confirmed:
                return ""
            on = f"于{self.date.year}年{self.date.month}月{self.date.day}日" if self.date else ""
            return f"规划环评已{on}通过审查"
        if not self.confirmed:
            return "规划环评审查情况未能核实"
        return (
            "规划环评审查中" if self.status is PlanEiaStatus.UNDER_REVIEW else "规划环评未通过审查"
        )


Vertex = tuple[float, float]  # (longitude, latitude), WGS84 degrees
EDGE_TOLERANCE = 1e-9  # degrees (~0.1 mm): a point this close to an edge is on it


def point_in_polygon(longitude: float, latitude: float, ring: tuple[Vertex, ...]) -> bool:
    """Ray casting over an implicitly closed ring; a point on an edge or a vertex is inside."""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, (*ring[1:], ring[0]), strict=True):
        dx, dy = x2 - x1, y2 - y1
        if (  # on the segment: distance to its line and to its bounding box within tolerance
            abs(dx * (latitude - y1) - dy * (longitude - x1)) <= EDGE_TOLERANCE * math.hypot(dx, dy)
            and min(x1, x2) - EDGE_TOLERANCE <= longitude <= max(x1, x2) + EDGE_TOLERANCE
            and min(y1, y2) - EDGE_TOLERANCE <= latitude <= max(y1, y2) + EDGE_TOLERANCE
        ):
            return True
        crosses = (y1 > latitude) != (y2 > latitude)  # half-open: a vertex on the ray counts once
        if crosses and longitude < x1 + (latitude - y1) * dx / dy:
            inside = not inside
    return inside


class Boundary(_Frozen):
    """One or more rings (implicitly closed); approximate unless ``evidence`` says otherwise."""

    polygons: tuple[Annotated[tuple[Vertex, ...], Field(min_length=3)], ...] = Field(min_length=1)
    evidence: Evidence
    note: str = ""

    @model_validator(mode="after")
    def _inside_zhengzhou(self) -> Self:
        for ring in self.polygons:
            for lon, lat in ring:
                if not (
                    ZHENGZHOU_LONGITUDE[0] <= lon <= ZHENGZHOU_LONGITUDE[1]
                    and ZHENGZHOU_LATITUDE[0] <= lat <= ZHENGZHOU_LATITUDE[1]
                ):
                    raise ValueError(
                        f"vertex [{lon}, {lat}] is outside Zhengzhou; vertices are "
                        "[longitude, latitude] (about [113.x, 34.x]): swapped?"
                    )
            if len(set(ring)) < 3:
                raise ValueError(f"ring {list(ring)} needs at least 3 distinct vertices")
        return self

    def contains(self, longitude: float, latitude: float) -> bool:
        return any(point_in_polygon(longitude, latitude, ring) for ring in self.polygons)


class Park(_Frozen):
    """An eligible area: the free-trade zone's Zhengzhou area or a 市级以上 park."""

    name: Text
    aliases: tuple[Text, ...] = ()
    kind: ParkKind
    level: ParkLevel
    districts: tuple[Text, ...] = Field(min_length=1)
    evidence: Evidence
    note: str = ""
    plan_eia: PlanEia
    boundary: Boundary | None = None

    @model_validator(mode="after")
    def _known_districts(self) -> Self:
        unknown = [d for d in self.districts if d not in ZHENGZHOU_DISTRICTS]
        if unknown:
            raise ValueError(f"park {self.name}: unknown districts {unknown}")
        return self

    def contains(self, longitude: float, latitude: float) -> bool:
        """Whether the point is inside the boundary; False when the boundary is unknown."""
        return self.boundary is not None and self.boundary.contains(longitude, latitude)

    @property
    def plan_eia_passed(self) -> bool:
        return self.plan_eia.status is PlanEiaStatus.PASSED


class ParkList(_Frozen):
    version: int = Field(ge=1)
    evidence: Evidence
    inferred_note: str = ""
    sources: tuple[Text, ...] = Field(min_length=1)
    parks: tuple[Park, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> Self:
        _unique("park name or alias", [n for p in self.parks for n in (p.name, *p.aliases)])
        return self

    def find(self, name: str) -> Park | None:
        """The park with this name or alias, or None."""
        text = name.strip()
        return next((p for p in self.parks if text == p.name or text in p.aliases), None)


def _unique(what: str, values: list[str]) -> None:
    duplicates = sorted(value for value, n in Counter(values).items() if n > 1)
    if duplicates:
        raise ValueError(f"duplicate {what}: {duplicates}")


Model = TypeVar("Model", bound=BaseModel)


def _load(path: Path, model: type[Model]) -> Model:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ScopeDataError(f"{path.name}: cannot read: {exc}") from exc
    if not isinstance(data, dict):
        raise ScopeDataError(f"{path.name}: expected a mapping at the top level")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ScopeDataError(f"{path.name}: {exc}") from exc


def load_scope(path: Path = SCOPE_FILE) -> CommitmentScope:
    """Read and validate a scope file; ``ScopeDataError`` naming the file if it is wrong."""
    return _load(path, CommitmentScope)


def load_parks(path: Path = PARKS_FILE) -> ParkList:
    """Read and validate a parks file; ``ScopeDataError`` naming the file if it is wrong."""
    return _load(path, ParkList)


@lru_cache(maxsize=1)
def shared_scope() -> CommitmentScope:
    """The packaged scope, loaded once per process."""
    return load_scope()


@lru_cache(maxsize=1)
def shared_parks() -> ParkList:
    """The packaged parks, loaded once per process."""
    return load_parks()
