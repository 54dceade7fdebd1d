"""Closed accounts in the replica: the day the account closed, where its final invoice ends.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("accounts", sa.Column("closed_on", sa.Date()))


def downgrade() -> None:
    op.drop_column("accounts", "closed_on")
