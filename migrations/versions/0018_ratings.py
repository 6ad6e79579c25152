"""好差评: ratings and their follow-ups

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=32), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('item_code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('rated_by', sa.Integer(), nullable=False),
    sa.Column('rated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], ),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ),
    sa.ForeignKeyConstraint(['officer_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['rated_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('application_id', 'event', name='uq_rating_case_event')
    )
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rating_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rating_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rating_item_code'), ['item_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_rating_rated_at'), ['rated_at'], unique=False)

    op.create_table('rating_follow_up',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rating_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('verification', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('rectification', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('feedback', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('answered_by', sa.Integer(), nullable=True),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('reply', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('reply_satisfied', sa.Boolean(), nullable=True),
    sa.Column('appeal_reason', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('appealed_by', sa.Integer(), nullable=True),
    sa.Column('appeal_decision', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('appeal_decided_by', sa.Integer(), nullable=True),
    sa.Column('overdue_notified', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['answered_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['appeal_decided_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['appealed_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['rating_id'], ['rating.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('rating_id')
    )
    with op.batch_alter_table('rating_follow_up', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rating_follow_up_state'), ['state'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('rating_follow_up', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rating_follow_up_state'))
    op.drop_table('rating_follow_up')
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rating_rated_at'))
        batch_op.drop_index(batch_op.f('ix_rating_item_code'))
        batch_op.drop_index(batch_op.f('ix_rating_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_rating_application_id'))
    op.drop_table('rating')
