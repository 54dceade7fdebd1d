"""Closing lines: when a line closed and when its number may go to a new line.

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
    op.add_column("lines", sa.Column("closed_at", sa.DateTime(timezone=True)))
    op.add_column("lines", sa.Column("number_free_from", sa.DateTime(timezone=True)))
    op.create_index("lines_msisdn_free_from", "lines", ["msisdn", "number_free_from"])


def downgrade() -> None:
    op.drop_index("lines_msisdn_free_from", "lines")
    op.drop_column("lines", "number_free_from")
    op.drop_column("lines", "closed_at")
