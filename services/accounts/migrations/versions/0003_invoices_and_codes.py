"""Postpaid invoice replica (due dates, overdue, paid) and one-time code challenges and requests.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _invoices() -> None:
    op.create_table(
        "invoices",
        sa.Column("invoice_id", sa.String(64), primary_key=True),
        sa.Column("account_id", sa.String(64), nullable=False, index=True),
        sa.Column("due_date", sa.Date()),
        sa.Column("blocks_at", sa.DateTime(timezone=True), index=True),
        sa.Column("paid_at", sa.DateTime(timezone=True)),
    )


def _codes() -> None:
    op.create_table(
        "otp_challenges",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("msisdn", sa.String(15), nullable=False, index=True),
        sa.Column("account_id", sa.String(64), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True)),
        sa.Column("voided", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "otp_requests",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("msisdn", sa.String(15), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
    )
    op.create_index("otp_requests_msisdn", "otp_requests", ["msisdn", "at"])
    op.create_index("otp_requests_client", "otp_requests", ["client", "at"])


def upgrade() -> None:
    _invoices()
    _codes()


def downgrade() -> None:
    op.drop_table("otp_requests")
    op.drop_table("otp_challenges")
    op.drop_table("invoices")
