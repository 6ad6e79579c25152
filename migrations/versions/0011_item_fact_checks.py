"""item fact checks: staff verification of each item version's facts, and its publication

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('itemfactcheck',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('fact', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('verified', sa.Boolean(), nullable=False),
    sa.Column('checked_by', sa.Integer(), nullable=False),
    sa.Column('checked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.ForeignKeyConstraint(['checked_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('itemfactcheck', schema=None) as batch_op:
        batch_op.create_index('ix_itemfactcheck_code_version', ['code', 'version'], unique=False)
    with op.batch_alter_table('itemversion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('published_by', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_itemversion_published_by', 'app_user', ['published_by'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('itemversion', schema=None) as batch_op:
        batch_op.drop_constraint('fk_itemversion_published_by', type_='foreignkey')
        batch_op.drop_column('published_by')
        batch_op.drop_column('published_at')
    with op.batch_alter_table('itemfactcheck', schema=None) as batch_op:
        batch_op.drop_index('ix_itemfactcheck_code_version')
    op.drop_table('itemfactcheck')
