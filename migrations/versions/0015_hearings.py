"""hearings (听证): the right told, the hearing, the requests

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 00:07:57.071114
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "hearing_right",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("notified_on", sa.Date(), nullable=False),
        sa.Column("via", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("hearing_right", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hearing_right_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "hearing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("hold_by", sa.Date(), nullable=False),
        sa.Column("pause_id", sa.Integer(), nullable=True),
        sa.Column("scheduled_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("mode", sa.String(length=32), nullable=True),
        sa.Column("place", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("presiding_officer_id", sa.Integer(), nullable=True),
        sa.Column("recorder", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("notified_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("held_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("participants", sa.JSON(), nullable=False),
        sa.Column("statements", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("review_opinion", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("adoption_note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("confirmations", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["pause_id"],
            ["clockpause.id"],
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["app_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["presiding_officer_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("hearing", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hearing_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_hearing_state"), ["state"], unique=False)

    op.create_table(
        "hearing_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("party", sa.String(length=32), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("contact", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("relation", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("reasons", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("client_address", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("requested_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("withdrawn_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("withdrawal_note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
        ),
        sa.ForeignKeyConstraint(
            ["hearing_id"],
            ["hearing.id"],
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("hearing_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hearing_request_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_hearing_request_hearing_id"), ["hearing_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("hearing_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hearing_request_hearing_id"))
        batch_op.drop_index(batch_op.f("ix_hearing_request_application_id"))

    op.drop_table("hearing_request")
    with op.batch_alter_table("hearing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hearing_state"))
        batch_op.drop_index(batch_op.f("ix_hearing_application_id"))

    op.drop_table("hearing")
    with op.batch_alter_table("hearing_right", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hearing_right_application_id"))

    op.drop_table("hearing_right")
