"""public notices: 拟批准公示, 批复公告 and 撤销公告 (their columns), the event each follows

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table('public_notice', schema=None) as batch_op:
        batch_op.alter_column('public_material_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('event_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('overview', _TEXT(length=2000), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('measures', _TEXT(length=2000), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('participation_summary', _TEXT(length=500), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('hearing_right', _TEXT(length=500), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('document_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('document_number', _TEXT(length=60), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('conclusion', _TEXT(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('appeal_note', _TEXT(length=500), nullable=False, server_default=''))
        batch_op.create_foreign_key('fk_public_notice_document_id', 'document', ['document_id'], ['id'])
    op.execute("UPDATE public_notice SET event_on = starts_on WHERE event_on IS NULL")


def downgrade() -> None:
    with op.batch_alter_table('public_notice', schema=None) as batch_op:
        batch_op.drop_constraint('fk_public_notice_document_id', type_='foreignkey')
        for column in (
            'appeal_note', 'conclusion', 'document_number', 'document_id', 'hearing_right',
            'participation_summary', 'measures', 'overview', 'event_on',
        ):
            batch_op.drop_column(column)
        batch_op.alter_column('public_material_id', existing_type=sa.Integer(), nullable=False)
