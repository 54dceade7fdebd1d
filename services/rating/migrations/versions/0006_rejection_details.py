"""Rejected usage records: the reason's kind and its detail, kept once per batch position; parked
records remember their position in their batch.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("usage_rejections",
                  sa.Column("detail", sa.Text, nullable=False, server_default=""))
    op.create_index("usage_rejections_once", "usage_rejections", ["batch_id", "position"],
                    unique=True)
    op.create_index("usage_rejections_by_reason", "usage_rejections",
                    ["reason", "received_at", "seq"])
    op.add_column("parked_usage",
                  sa.Column("position", sa.Integer, nullable=False, server_default="0"))
    op.create_index("parked_usage_by_time", "parked_usage", ["parked_at"])


def downgrade() -> None:
    op.drop_index("parked_usage_by_time", table_name="parked_usage")
    op.drop_column("parked_usage", "position")
    op.drop_index("usage_rejections_by_reason", table_name="usage_rejections")
    op.drop_index("usage_rejections_once", table_name="usage_rejections")
    op.drop_column("usage_rejections", "detail")
