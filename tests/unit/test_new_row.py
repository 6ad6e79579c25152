"""``core.db.new_row`` makes the row a table model's constructor makes, without its cost."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from core.db import new_row
from models import Application, Status

VALUES: dict[str, Any] = {
    "number": "410100-EIA01-20261120-0001", "item_code": "EIA-01", "item_version": 1,
    "enterprise_id": 1, "created_by": 1, "project_name": "项目", "site": "郑州",
    "district": "金水区", "industry_code": "3421", "total_investment": Decimal("10"),
    "env_investment": Decimal("1"), "consultant": "某咨询公司", "created_at": None,
    "contact_email": "a@example.cn", "status": Status.DRAFT,
}  # fmt: skip


def _columns(row: Application) -> dict[str, object]:
    return {k: v for k, v in row.__dict__.items() if k != "_sa_instance_state"}


def test_the_same_row_as_the_constructor_with_its_defaults() -> None:
    made, built = new_row(Application, **VALUES), Application(**VALUES)
    assert _columns(made) == _columns(built)
    assert made.__pydantic_fields_set__ == built.__pydantic_fields_set__
    assert made.model_dump() == built.model_dump()


def test_a_required_field_left_out_is_an_error() -> None:
    values = {k: v for k, v in VALUES.items() if k != "status"}
    with pytest.raises(TypeError, match="status"):
        new_row(Application, **values)
