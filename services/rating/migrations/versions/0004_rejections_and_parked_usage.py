"""Rejected usage records kept with their reasons, and records parked until their line is known.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "usage_rejections",
        sa.Column("seq", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("batch_id", sa.String(64), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("record_id", sa.String(100)),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("record", JSONB, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("usage_rejections_by_time", "usage_rejections", ["received_at", "seq"])
    op.create_table(
        "parked_usage",
        sa.Column("record_id", sa.String(100), primary_key=True),
        sa.Column("msisdn", sa.String(32), nullable=False),
        sa.Column("batch_id", sa.String(64), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("record", JSONB, nullable=False),
        sa.Column("parked_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("parked_usage_by_line", "parked_usage", ["msisdn"])


def downgrade() -> None:
    op.drop_table("parked_usage")
    op.drop_table("usage_rejections")
