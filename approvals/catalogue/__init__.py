"""The item catalogue: one validated YAML file per item under ``approvals/items/``.

``load_catalogue()`` reads and validates every file and returns an immutable ``Catalogue``.
A malformed file raises ``CatalogueError`` naming the file; nothing is loaded half-way.
The schema and its vocabularies live in ``approvals.catalogue.schema``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import yaml
from pydantic import ValidationError

from approvals.catalogue.schema import (
    CATEGORIES,
    CLOCK_STOPS,
    EVIDENCE_FACTS,
    PUBLIC_NOTICES,
    DayUnit,
    Evidence,
    Item,
    ItemStatus,
    LicenceAction,
    LicenceKind,
    LicenceSpec,
    Limit,
    MaterialSpec,
    ProcessKind,
)
from approvals.errors import NotFound
from core.yamlfile import load_yaml

__all__ = [
    "CATEGORIES",
    "CLOCK_STOPS",
    "DEFAULT_DIRECTORY",
    "EVIDENCE_FACTS",
    "PUBLIC_NOTICES",
    "Catalogue",
    "CatalogueError",
    "DayUnit",
    "Evidence",
    "Item",
    "ItemStatus",
    "LicenceAction",
    "LicenceKind",
    "LicenceSpec",
    "Limit",
    "MaterialSpec",
    "ProcessKind",
    "load_catalogue",
    "shared_catalogue",
]

DEFAULT_DIRECTORY = Path(__file__).resolve().parents[1] / "items"


class CatalogueError(ValueError):
    """An item file is missing, malformed or inconsistent; the message names the file."""


@dataclass(frozen=True)
class Catalogue:
    """An immutable collection of items, in code order."""

    items: tuple[Item, ...]
    _by_code: Mapping[str, Item] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_code: dict[str, Item] = {}
        for item in self.items:
            if item.code in by_code:
                raise CatalogueError(f"duplicate item code {item.code!r}")
            by_code[item.code] = item
        object.__setattr__(self, "_by_code", MappingProxyType(by_code))

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def get(self, code: str) -> Item:
        """The item with this code; ``NotFound`` if there is none."""
        try:
            return self._by_code[code]
        except KeyError:
            raise NotFound(f"事项编码“{code}”不存在", f"no catalogue item {code!r}") from None

    def appliable(self) -> list[Item]:
        """Items an applicant can apply for (status active), in code order."""
        return [item for item in self.items if item.appliable]

    def by_kind(self) -> dict[ProcessKind, list[Item]]:
        """All items grouped by process kind; every kind is a key, possibly with no items."""
        groups: dict[ProcessKind, list[Item]] = {kind: [] for kind in ProcessKind}
        for item in self.items:
            groups[item.process_kind].append(item)
        return groups


def load_item(path: Path) -> Item:
    """Read and validate one item file (its name is checked by ``load_catalogue``)."""
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CatalogueError(f"{path.name}: cannot read: {exc}") from exc
    if not isinstance(data, dict):
        raise CatalogueError(f"{path.name}: expected a mapping of item fields")
    try:
        item = Item.model_validate(data)
    except ValidationError as exc:
        raise CatalogueError(f"{path.name}: {exc}") from exc
    return item


def load_catalogue(directory: Path | None = None) -> Catalogue:
    """Load every ``*.yaml`` item file of ``directory`` (default: ``approvals/items``).

    Any other file in the directory is an error, so a misnamed file cannot be skipped silently.
    """
    root = DEFAULT_DIRECTORY if directory is None else directory
    if not root.is_dir():
        raise CatalogueError(f"{root}: catalogue directory not found")
    paths = sorted(root.iterdir())
    strays = [p.name for p in paths if p.suffix != ".yaml" or not p.is_file()]
    if strays:
        raise CatalogueError(f"{', '.join(strays)}: not an item file (expected <code>.yaml)")
    items: list[Item] = []
    seen: dict[str, str] = {}
    for path in paths:
        item = load_item(path)
        if item.code in seen:
            raise CatalogueError(
                f"{path.name}: duplicate code {item.code!r} (also {seen[item.code]})"
            )
        if path.stem != item.code:
            raise CatalogueError(f"{path.name}: file name does not match code {item.code!r}")
        seen[item.code] = path.name
        items.append(item)
    if len(items) != len(paths):  # pragma: no cover - guarded above, kept as the contract
        raise CatalogueError(f"{root}: {len(paths)} files but {len(items)} items")
    return Catalogue(tuple(items))


@lru_cache(maxsize=1)
def shared_catalogue() -> Catalogue:
    """The packaged catalogue, loaded once per process."""
    return load_catalogue()
