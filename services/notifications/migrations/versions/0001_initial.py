"""Contacts replica, deliveries, template overrides, outbox and inbox.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB
from tarifa.migrations import create_messaging_tables, drop_messaging_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_messaging_tables()
    op.create_table(
        "contacts",
        sa.Column("account_id", sa.String(64), primary_key=True),
        sa.Column("language", sa.String(8)),
        sa.Column("medium", sa.String(16)),
        sa.Column("bill_email", sa.String(320)),
        sa.Column("email", sa.String(320)),
        sa.Column("customer_name", sa.String(300)),
        sa.Column("updated_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("account_id", sa.String(64), nullable=False, index=True),
        sa.Column("event", sa.String(200), nullable=False),
        sa.Column("event_id", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("recipient", sa.String(320)),
        sa.Column("payload", JSONB, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True)),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("event_id", "channel", name="deliveries_once_per_event_and_channel"),
    )
    op.create_index("deliveries_due", "deliveries", ["next_attempt_at"],
                    postgresql_where=sa.text("status = 'pending'"))
    op.create_table(
        "templates",
        sa.Column("event", sa.String(200), primary_key=True),
        sa.Column("channel", sa.String(16), primary_key=True),
        sa.Column("language", sa.String(8), primary_key=True),
        sa.Column("subject", sa.Text()),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
    )


def downgrade() -> None:
    op.drop_index("deliveries_due", table_name="deliveries")
    for table in ("templates", "deliveries", "contacts"):
        op.drop_table(table)
    drop_messaging_tables()
