"""staged materials of the apply form

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('staged_material',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('draft_key', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('item_code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('material_code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('object_key', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('staged_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('released_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('staged_material', schema=None) as batch_op:
        batch_op.create_index('ix_staged_material_draft', ['user_id', 'draft_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_staged_material_staged_at'), ['staged_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('staged_material', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staged_material_staged_at'))
        batch_op.drop_index('ix_staged_material_draft')

    op.drop_table('staged_material')
