"""The accounts replica remembers when its customer details and its bill delivery were last
announced, so that an announcement arriving late is dropped.

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
    op.add_column("accounts", sa.Column("profile_changed_at", sa.DateTime(timezone=True)))
    op.add_column("accounts", sa.Column("delivery_changed_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    op.drop_column("accounts", "delivery_changed_at")
    op.drop_column("accounts", "profile_changed_at")
