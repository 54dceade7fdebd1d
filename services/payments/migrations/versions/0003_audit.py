"""The audit trail: who changed which money or status, from what to what (``tarifa.audit``).

Revision ID: 0003
Revises: 0002
"""

from alembic import op
from tarifa.migrations import create_audit_table

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_audit_table()


def downgrade() -> None:
    op.drop_table("audit")
