"""worker claims: flowdispatch.claimed_by, outboxmail.claimed_at

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('flowdispatch', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'claimed_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False,
            server_default='',
        ))
    with op.batch_alter_table('outboxmail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outboxmail', schema=None) as batch_op:
        batch_op.drop_column('claimed_at')
    with op.batch_alter_table('flowdispatch', schema=None) as batch_op:
        batch_op.drop_column('claimed_by')
