"""turnaround report index

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COLUMNS = [
    "item_code", "turnaround_working_days", "turnaround_calendar_days",
    "process_kind", "track", "district", "case_officer_id",
]  # fmt: skip


def upgrade() -> None:
    op.create_index(
        "ix_application_turnaround_report",
        "application",
        ["decided_on"],
        postgresql_include=COLUMNS,
        postgresql_where=sa.text("decided_on IS NOT NULL AND turnaround_working_days IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_application_turnaround_report", table_name="application")
