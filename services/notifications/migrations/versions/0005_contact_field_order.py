"""Contacts remember when each field last changed, so that an update arriving late changes only
the fields no later update changed.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("contacts", sa.Column("changed_at", JSONB()))


def downgrade() -> None:
    op.drop_column("contacts", "changed_at")
