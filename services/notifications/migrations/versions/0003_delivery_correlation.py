"""Deliveries keep the correlation id of the work that called for them, so that the
``notifications.message.*`` events announcing them carry it on.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("deliveries", sa.Column("correlation_id", sa.String(128)))


def downgrade() -> None:
    op.drop_column("deliveries", "correlation_id")
