"""Each account's ledger balance kept as the ledger grows: a statement that adds ledger rows
adds their sum to their accounts' balances (one upsert per statement, accounts in id order), so a
balance is read in one row however long the account's ledger is. Ledger rows are never deleted
and their amounts never change (a correction is a new row).

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_FUNCTION = """
CREATE FUNCTION ledger_balances_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO balances (account_id, balance)
    SELECT account_id, sum(amount) FROM added GROUP BY account_id ORDER BY account_id
    ON CONFLICT (account_id) DO UPDATE SET balance = balances.balance + excluded.balance;
    RETURN NULL;
END $$
"""
_TRIGGER = ("CREATE TRIGGER ledger_balances AFTER INSERT ON ledger REFERENCING NEW TABLE AS added "
            "FOR EACH STATEMENT EXECUTE FUNCTION ledger_balances_add()")


def upgrade() -> None:
    op.create_table(
        "balances",
        sa.Column("account_id", sa.String(64), primary_key=True),
        sa.Column("balance", sa.Numeric(), nullable=False),
    )
    op.execute("LOCK TABLE ledger IN SHARE MODE")
    op.execute("INSERT INTO balances (account_id, balance) "
               "SELECT account_id, sum(amount) FROM ledger GROUP BY account_id")
    op.execute(_FUNCTION)
    op.execute(_TRIGGER)


def downgrade() -> None:
    op.execute("DROP TRIGGER ledger_balances ON ledger")
    op.execute("DROP FUNCTION ledger_balances_add()")
    op.drop_table("balances")
