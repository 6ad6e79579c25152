"""电子证照: one electronic licence (identifier and metadata) per issued document

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-04
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('electronic_licence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('identifier', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('type_code', sqlmodel.sql.sqltypes.AutoString(length=21), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('electronic_licence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_electronic_licence_document_id'), ['document_id'], unique=True)
        batch_op.create_index(batch_op.f('ix_electronic_licence_identifier'), ['identifier'], unique=True)
        batch_op.create_index(batch_op.f('ix_electronic_licence_number'), ['number'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('electronic_licence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_electronic_licence_number'))
        batch_op.drop_index(batch_op.f('ix_electronic_licence_identifier'))
        batch_op.drop_index(batch_op.f('ix_electronic_licence_document_id'))
    op.drop_table('electronic_licence')
