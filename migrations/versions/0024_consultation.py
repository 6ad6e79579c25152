"""靠前服务: consultations, slots, links; documents and ratings of a consultation

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('consultation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('agent_enterprise_id', sa.Integer(), nullable=True),
    sa.Column('requested_by', sa.Integer(), nullable=False),
    sa.Column('requested_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('project_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('site', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('district', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('industry_code', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('scale', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('question', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('contact_name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('contact_email', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('assigned_by', sa.Integer(), nullable=True),
    sa.Column('assigned_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('item_code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('eia_category', sa.String(length=32), nullable=True),
    sa.Column('materials', sa.JSON(), nullable=False),
    sa.Column('fast_track', sa.Boolean(), nullable=True),
    sa.Column('fast_track_summary', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('obstacles', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('guided_by', sa.Integer(), nullable=True),
    sa.Column('guided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['agent_enterprise_id'], ['enterprise.id'], ),
    sa.ForeignKeyConstraint(['assigned_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], ),
    sa.ForeignKeyConstraint(['guided_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['officer_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['requested_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_officer_id'), ['officer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_requested_at'), ['requested_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_state'), ['state'], unique=False)

    op.create_table('consultation_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('linked_by', sa.Integer(), nullable=False),
    sa.Column('linked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], ),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], ),
    sa.ForeignKeyConstraint(['linked_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('application_id')
    )
    with op.batch_alter_table('consultation_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_link_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('consultation_slot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=32), nullable=False),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=True),
    sa.Column('booked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('reminded_on', sa.Date(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], ),
    sa.ForeignKeyConstraint(['officer_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('consultation_slot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_slot_consultation_id'), ['consultation_id'], unique=True)
        batch_op.create_index(batch_op.f('ix_consultation_slot_officer_id'), ['officer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_slot_starts_at'), ['starts_at'], unique=False)

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consultation_id', sa.Integer(), nullable=True))
        batch_op.alter_column('application_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_document_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_foreign_key('fk_document_consultation_id', 'consultation', ['consultation_id'], ['id'])

    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consultation_id', sa.Integer(), nullable=True))
        batch_op.alter_column('application_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_rating_consultation_id'), ['consultation_id'], unique=True)
        batch_op.create_foreign_key('fk_rating_consultation_id', 'consultation', ['consultation_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.drop_constraint('fk_rating_consultation_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_rating_consultation_id'))
        batch_op.alter_column('application_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('consultation_id')

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_constraint('fk_document_consultation_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_document_consultation_id'))
        batch_op.alter_column('application_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('consultation_id')

    with op.batch_alter_table('consultation_slot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_slot_starts_at'))
        batch_op.drop_index(batch_op.f('ix_consultation_slot_officer_id'))
        batch_op.drop_index(batch_op.f('ix_consultation_slot_consultation_id'))

    op.drop_table('consultation_slot')
    with op.batch_alter_table('consultation_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_link_consultation_id'))

    op.drop_table('consultation_link')
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_state'))
        batch_op.drop_index(batch_op.f('ix_consultation_requested_at'))
        batch_op.drop_index(batch_op.f('ix_consultation_officer_id'))
        batch_op.drop_index(batch_op.f('ix_consultation_enterprise_id'))

    op.drop_table('consultation')
