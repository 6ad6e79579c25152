"""Path parameter types: every id in a path is bounded by its column type.

Ids are INTEGER surrogate keys counted from 1 (``sa.Integer`` in migrations/: 32-bit on
PostgreSQL, 64-bit on SQLite): a number outside 1..2³¹−1 names no row, and one above 2⁶³−1
overflows SQLite's driver (a 500 and a broken keep-alive connection). FastAPI checks the bounds
before the handler runs, the OpenAPI schema publishes them, and ``api.errors`` answers a path
that does not validate with 404 (no such resource) in the error body every error uses.
Use these types for every integer in a path (tests/api/test_edge_ids.py checks it).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from models.types import ID_MAX

LIST_INDEX_MAX = 999  # the attachments of one record are counted in tens

Id = Annotated[int, Path(ge=1, le=ID_MAX, description="记录编号（1至2147483647）")]
ListIndex = Annotated[int, Path(ge=0, le=LIST_INDEX_MAX, description="附件序号（从0起）")]
Year = Annotated[int, Path(ge=2000, le=2100, description="年份（2000至2100）")]
