"""The end each account was last told of a day ahead: one reminder per promise and suspension.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("accounts", sa.Column("promise_reminded_until", sa.DateTime(timezone=True)))
    op.add_column("accounts", sa.Column("suspension_reminded_until", sa.DateTime(timezone=True)))


def downgrade() -> None:
    op.drop_column("accounts", "suspension_reminded_until")
    op.drop_column("accounts", "promise_reminded_until")
