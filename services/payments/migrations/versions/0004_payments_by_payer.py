"""An account's payment history also lists what it paid for other accounts: payments by payer.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("payments_payer", "payments", ["payer"])


def downgrade() -> None:
    op.drop_index("payments_payer", table_name="payments")
