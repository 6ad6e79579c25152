"""exchange: project declarations, credit lists and observations, exchange outbox

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 00:22:19.535207
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('credit_list',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('list_date', sa.Date(), nullable=False),
    sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.Column('loaded_by', sa.Integer(), nullable=False),
    sa.Column('loaded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['loaded_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'version', name='uq_credit_list_version')
    )
    op.create_table('credit_list_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('party', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('identifier', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['list_id'], ['credit_list.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('credit_list_entry', schema=None) as batch_op:
        batch_op.create_index('ix_credit_list_entry_lookup', ['list_id', 'identifier'], unique=False)

    op.create_table('credit_observation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('party', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('identifier', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('behaviour', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('upload_due_on', sa.Date(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('exported_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], ),
    sa.ForeignKeyConstraint(['recorded_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('credit_observation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_observation_application_id'), ['application_id'], unique=False)

    op.create_table('exchange_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('last_attempt_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('receipt', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('exchange_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchange_message_application_id'), ['application_id'], unique=False)
        batch_op.create_index('ix_exchange_message_due', ['sent_at', 'id'], unique=False)

    op.create_table('project_declaration',
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('project_code', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=True),
    sa.Column('region_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('consultancy_uscc', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=True),
    sa.Column('consultancy_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('engineers', sa.JSON(), nullable=True),
    sa.Column('lookup', sa.JSON(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], ),
    sa.PrimaryKeyConstraint('application_id')
    )


def downgrade() -> None:
    op.drop_table('project_declaration')
    with op.batch_alter_table('exchange_message', schema=None) as batch_op:
        batch_op.drop_index('ix_exchange_message_due')
        batch_op.drop_index(batch_op.f('ix_exchange_message_application_id'))

    op.drop_table('exchange_message')
    with op.batch_alter_table('credit_observation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credit_observation_application_id'))

    op.drop_table('credit_observation')
    with op.batch_alter_table('credit_list_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_credit_list_entry_lookup')

    op.drop_table('credit_list_entry')
    op.drop_table('credit_list')
