"""Every connection of a number is kept: ``lines`` is keyed by number and connection, and a
line a later connection of its number replaced carries ``replaced_at`` (that connection's
instant). The current line of a number is the one not replaced, at most one per number.

So a usage record is rated to the line that held its number when it started, and an earlier
owner's records stay theirs for re-rating and for their detailed bill.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("lines", sa.Column("replaced_at", sa.DateTime(timezone=True)))
    op.drop_constraint("lines_pkey", "lines", type_="primary")
    op.create_primary_key("lines_pkey", "lines", ["msisdn", "connected_at"])
    op.create_index("lines_current", "lines", ["msisdn"], unique=True,
                    postgresql_where=sa.text("replaced_at IS NULL"))


def downgrade() -> None:
    op.execute("DELETE FROM lines WHERE replaced_at IS NOT NULL")
    op.drop_index("lines_current", "lines")
    op.drop_constraint("lines_pkey", "lines", type_="primary")
    op.create_primary_key("lines_pkey", "lines", ["msisdn"])
    op.drop_column("lines", "replaced_at")
