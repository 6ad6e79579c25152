"""万人助万企 and 帮办代办: key enterprises, the problem ledger, helper authorisations; ratings of a problem

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-04 12:57:46.939115
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('helper_authorisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('helper_id', sa.Integer(), nullable=False),
    sa.Column('actions', sa.JSON(), nullable=False),
    sa.Column('item_codes', sa.JSON(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.Column('granted_by', sa.Integer(), nullable=False),
    sa.Column('granted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('revoked_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ),
    sa.ForeignKeyConstraint(['granted_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['helper_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['revoked_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('helper_authorisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_helper_authorisation_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_helper_authorisation_helper_id'), ['helper_id'], unique=False)

    op.create_table('helper_designation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('designated_by', sa.Integer(), nullable=False),
    sa.Column('designated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['designated_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id')
    )
    op.create_table('key_enterprise',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('liaison_id', sa.Integer(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('assigned_by', sa.Integer(), nullable=False),
    sa.Column('assigned_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assigned_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ),
    sa.ForeignKeyConstraint(['liaison_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('enterprise_id')
    )
    with op.batch_alter_table('key_enterprise', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_key_enterprise_liaison_id'), ['liaison_id'], unique=False)

    op.create_table('ledger_problem',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('raised_by', sa.Integer(), nullable=False),
    sa.Column('raised_by_liaison', sa.Boolean(), nullable=False),
    sa.Column('raised_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('responsible_unit', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('deadline_days', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('resolved_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('escalated_on', sa.Date(), nullable=True),
    sa.Column('reopened', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ),
    sa.ForeignKeyConstraint(['raised_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ledger_problem', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_problem_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_problem_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_problem_state'), ['state'], unique=False)

    op.create_table('problem_reply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('problem_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('author_name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['problem_id'], ['ledger_problem.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('problem_reply', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_problem_reply_problem_id'), ['problem_id'], unique=False)

    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.add_column(sa.Column('problem_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_rating_problem_id'), ['problem_id'], unique=True)
        batch_op.create_foreign_key('fk_rating_problem_id', 'ledger_problem', ['problem_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.drop_constraint('fk_rating_problem_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_rating_problem_id'))
        batch_op.drop_column('problem_id')

    with op.batch_alter_table('problem_reply', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_problem_reply_problem_id'))

    op.drop_table('problem_reply')
    with op.batch_alter_table('ledger_problem', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_problem_state'))
        batch_op.drop_index(batch_op.f('ix_ledger_problem_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_ledger_problem_due_on'))

    op.drop_table('ledger_problem')
    with op.batch_alter_table('key_enterprise', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_key_enterprise_liaison_id'))

    op.drop_table('key_enterprise')
    op.drop_table('helper_designation')
    with op.batch_alter_table('helper_authorisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_helper_authorisation_helper_id'))
        batch_op.drop_index(batch_op.f('ix_helper_authorisation_enterprise_id'))

    op.drop_table('helper_authorisation')
