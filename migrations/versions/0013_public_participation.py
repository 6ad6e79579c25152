"""public participation: acceptance notices and public comments

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('public_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('item_code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('item_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('project_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('builder', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('site', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('district', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('consultant', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('public_material_id', sa.Integer(), nullable=False),
    sa.Column('participation_material_id', sa.Integer(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('published_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], ),
    sa.ForeignKeyConstraint(['participation_material_id'], ['material.id'], ),
    sa.ForeignKeyConstraint(['public_material_id'], ['material.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('application_id', 'kind', name='uq_public_notice_case_kind')
    )
    with op.batch_alter_table('public_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_notice_application_id'), ['application_id'], unique=False)
        batch_op.create_index('ix_public_notice_kind_ends', ['kind', 'ends_on'], unique=False)

    op.create_table('public_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('contact', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('attachment_filename', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('attachment_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('attachment_size', sa.Integer(), nullable=True),
    sa.Column('attachment_key', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('submitted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('client_address', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('hidden_by', sa.Integer(), nullable=True),
    sa.Column('hidden_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('hidden_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('response', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('responded_by', sa.Integer(), nullable=True),
    sa.Column('responded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], ),
    sa.ForeignKeyConstraint(['hidden_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['notice_id'], ['public_notice.id'], ),
    sa.ForeignKeyConstraint(['responded_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('public_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_comment_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_public_comment_notice_id'), ['notice_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('public_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_public_comment_notice_id'))
        batch_op.drop_index(batch_op.f('ix_public_comment_application_id'))

    op.drop_table('public_comment')
    with op.batch_alter_table('public_notice', schema=None) as batch_op:
        batch_op.drop_index('ix_public_notice_kind_ends')
        batch_op.drop_index(batch_op.f('ix_public_notice_application_id'))

    op.drop_table('public_notice')
