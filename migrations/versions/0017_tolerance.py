"""容缺受理: commitments and the bad-credit list

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('tolerance_commitment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('material_codes', sa.JSON(), nullable=False),
    sa.Column('supply_by', sa.Date(), nullable=False),
    sa.Column('overdue_rule', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('return_after_days', sa.Integer(), nullable=True),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('text_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('signed_by', sa.Integer(), nullable=False),
    sa.Column('signed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('overdue_on', sa.Date(), nullable=True),
    sa.Column('pause_id', sa.Integer(), nullable=True),
    sa.Column('settled_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], ),
    sa.ForeignKeyConstraint(['pause_id'], ['clockpause.id'], ),
    sa.ForeignKeyConstraint(['signed_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('application_id')
    )
    with op.batch_alter_table('tolerance_commitment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tolerance_commitment_state'), ['state'], unique=False)

    op.create_table('bad_credit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uscc', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('listed_on', sa.Date(), nullable=True),
    sa.Column('loaded_by', sa.Integer(), nullable=False),
    sa.Column('loaded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('ended_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['loaded_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('bad_credit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bad_credit_entry_uscc'), ['uscc'], unique=False)
        batch_op.create_index(batch_op.f('ix_bad_credit_entry_ended_at'), ['ended_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('bad_credit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bad_credit_entry_ended_at'))
        batch_op.drop_index(batch_op.f('ix_bad_credit_entry_uscc'))
    op.drop_table('bad_credit_entry')
    with op.batch_alter_table('tolerance_commitment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tolerance_commitment_state'))
    op.drop_table('tolerance_commitment')
