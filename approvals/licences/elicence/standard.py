"""The electronic-licence data (``standard.yaml``): type codes, metadata element names."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from core.yamlfile import load_yaml
from models import DocumentKind

STANDARD_FILE = Path(__file__).with_name("standard.yaml")


@lru_cache(maxsize=1)
def standard() -> dict[str, Any]:
    data: dict[str, Any] = load_yaml(STANDARD_FILE.read_text(encoding="utf-8"))
    return data


def field_labels() -> dict[str, str]:
    """GB/T 36903 element name → its Chinese label, in the order the package writes them."""
    return dict(standard()["metadata"]["fields"])


def type_sequence(kind: DocumentKind, licence_kind: str | None = None) -> str:
    """The 3-digit sequence of a document's type (a licence certificate's: of its kind)."""
    codes = standard()["type_codes"]
    if licence_kind is not None:
        return str(codes["licences"][licence_kind])
    return str(codes["documents"][kind.value])


def holder_code_type() -> str:
    return str(standard()["metadata"]["holder_code_type"])


def open_ended() -> str:
    return str(standard()["metadata"]["open_ended"])
