"""Lifecycle columns (suspension, promised payment, block reason), pending plan changes, bonus ledger.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_ACCOUNT_TIMES = ("suspended_from", "suspended_until", "promise_granted_at", "promised_until",
                  "last_promise_at")


def _accounts_and_lines() -> None:
    for name in _ACCOUNT_TIMES:
        op.add_column("accounts", sa.Column(name, sa.DateTime(timezone=True)))
    op.add_column("accounts", sa.Column("blocked_reason", sa.String(64)))
    op.create_index("ix_accounts_suspended_until", "accounts", ["suspended_until"])
    op.create_index("ix_accounts_promised_until", "accounts", ["promised_until"])
    op.add_column("lines", sa.Column("pending_plan", sa.String(64)))
    op.add_column("lines", sa.Column("pending_at", sa.DateTime(timezone=True)))
    op.create_index("ix_lines_pending_at", "lines", ["pending_at"])


def _bonus_movements() -> None:
    op.create_table(
        "bonus_movements",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("account_id", sa.String(64), sa.ForeignKey("accounts.id"), nullable=False,
                  index=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(64), nullable=False),
    )
    op.create_index("bonus_movements_ebill_once", "bonus_movements", ["account_id"], unique=True,
                    postgresql_where=sa.text("reason = 'ebill_switch'"))


def upgrade() -> None:
    _accounts_and_lines()
    _bonus_movements()


def downgrade() -> None:
    op.drop_table("bonus_movements")
    op.drop_index("ix_lines_pending_at", "lines")
    op.drop_column("lines", "pending_at")
    op.drop_column("lines", "pending_plan")
    op.drop_index("ix_accounts_promised_until", "accounts")
    op.drop_index("ix_accounts_suspended_until", "accounts")
    for name in (*_ACCOUNT_TIMES, "blocked_reason"):
        op.drop_column("accounts", name)
