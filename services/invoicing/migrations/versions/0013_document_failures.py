"""An invoice whose document cannot be made is set aside with its reason
(``invoices.document_failure``), so it no longer holds back the documents of the others.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("invoices", sa.Column("document_failure", sa.Text))


def downgrade() -> None:
    op.drop_column("invoices", "document_failure")
