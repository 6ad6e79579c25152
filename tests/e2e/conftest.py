"""The pages run on PostgreSQL, the production database. What a page shows comes from the same
services the JSON API calls, and those run on SQLite and on PostgreSQL in ``tests/api`` and
``tests/unit``; the embedded default (SQLite) is also driven end to end by ``eia up`` in
``tests/integration/test_lifecycle.py``. Running every page test twice cost the suite about
75 s of its 15-minute budget for no dialect the API tests do not already cover."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from tests.fixtures_db import wipe


@pytest.fixture
def engine(postgres_engine: Engine) -> Iterator[Engine]:
    wipe(postgres_engine)
    yield postgres_engine
