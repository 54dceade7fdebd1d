"""The movements stated on an invoice are found by an index (``ledger_stated``): a statement's
payments are read per batch of documents, which scanned the whole ledger without it.

Revision ID: 0014
Revises: 0013
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX ledger_stated ON ledger (invoice_id) WHERE invoice_id IS NOT NULL")


def downgrade() -> None:
    op.drop_index("ledger_stated", table_name="ledger")
