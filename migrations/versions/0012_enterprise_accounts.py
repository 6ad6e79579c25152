"""enterprise accounts: self-registration, one-time mailed links, members, agent authorisations

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('account_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=32), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('account_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_token_user_id'), ['user_id'], unique=False)

    op.create_table('account_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('client_address', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('account_request', schema=None) as batch_op:
        batch_op.create_index('ix_account_request_kind_address_at', ['kind', 'client_address', 'at'], unique=False)

    op.create_table('agent_authorisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('agent_enterprise_id', sa.Integer(), nullable=False),
    sa.Column('granted_by', sa.Integer(), nullable=False),
    sa.Column('granted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('revoked_by', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['agent_enterprise_id'], ['enterprise.id'], ),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ),
    sa.ForeignKeyConstraint(['granted_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['revoked_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('agent_authorisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agent_authorisation_agent_enterprise_id'), ['agent_enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agent_authorisation_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index('ix_agent_authorisation_pair', ['enterprise_id', 'agent_enterprise_id'], unique=False)

    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))

    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('email_verified', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('member_kind', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('is_enterprise_admin', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agent_enterprise_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_application_agent_enterprise', 'enterprise', ['agent_enterprise_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_constraint('fk_application_agent_enterprise', type_='foreignkey')
        batch_op.drop_column('agent_enterprise_id')

    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_column('is_enterprise_admin')
        batch_op.drop_column('member_kind')
        batch_op.drop_column('email_verified')
        batch_op.drop_column('phone')

    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.drop_column('registered_at')

    with op.batch_alter_table('agent_authorisation', schema=None) as batch_op:
        batch_op.drop_index('ix_agent_authorisation_pair')
        batch_op.drop_index(batch_op.f('ix_agent_authorisation_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_agent_authorisation_agent_enterprise_id'))

    op.drop_table('agent_authorisation')
    with op.batch_alter_table('account_request', schema=None) as batch_op:
        batch_op.drop_index('ix_account_request_kind_address_at')

    op.drop_table('account_request')
    with op.batch_alter_table('account_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_token_user_id'))

    op.drop_table('account_token')
