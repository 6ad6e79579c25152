"""the 听证公告 of a hearing the bureau orders (行政许可法第四十六条): its time and place

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('public_notice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hearing_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('hearing_place', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('public_notice', schema=None) as batch_op:
        batch_op.drop_column('hearing_place')
        batch_op.drop_column('hearing_at')
