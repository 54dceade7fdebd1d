"""Add-on packages: the catalogue's packages, the lines' use of them, and fee kinds long
enough to name a package (``package:<code>:<kind>``).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "packages",
        sa.Column("code", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("payment_mode", sa.String(16), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("monthly_fee", sa.Numeric(), nullable=False),
        sa.Column("vat_rate", sa.Numeric(), nullable=False),
        sa.Column("prices_include_vat", sa.Boolean(), nullable=False),
        sa.Column("allowances", JSONB, nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "line_packages",
        sa.Column("msisdn", sa.String(32), primary_key=True),
        sa.Column("code", sa.String(32), primary_key=True),
        sa.Column("started_at", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
    )
    op.alter_column("fee_charges", "kind", type_=sa.String(100))


def downgrade() -> None:
    op.alter_column("fee_charges", "kind", type_=sa.String(32))
    op.drop_table("line_packages")
    op.drop_table("packages")
