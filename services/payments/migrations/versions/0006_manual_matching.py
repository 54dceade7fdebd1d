"""Manual matching of registry rows, offline payments once per channel reference, the day a
payment was made, and each account's payment mode in the replica (autopay's modes depend on it).

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
    op.add_column("accounts", sa.Column("payment_mode", sa.String(16)))
    op.add_column("payments", sa.Column("paid_at", sa.DateTime(timezone=True)))
    op.add_column("registry_entries", sa.Column("problem", sa.String(32)))
    op.add_column("registry_entries", sa.Column("account_id", sa.String(64)))
    op.add_column("registry_entries", sa.Column("resolved_by", sa.String(200)))
    op.add_column("registry_entries", sa.Column("resolved_at", sa.DateTime(timezone=True)))
    op.create_index("registry_entries_status", "registry_entries", ["status", "registry_id", "row"])
    op.create_table(
        "offline_references",
        sa.Column("channel", sa.String(32), primary_key=True),
        sa.Column("reference", sa.String(200), primary_key=True),
        sa.Column("payment_id", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("offline_references")
    op.drop_index("registry_entries_status", "registry_entries")
    op.drop_column("registry_entries", "resolved_at")
    op.drop_column("registry_entries", "resolved_by")
    op.drop_column("registry_entries", "account_id")
    op.drop_column("registry_entries", "problem")
    op.drop_column("payments", "paid_at")
    op.drop_column("accounts", "payment_mode")
