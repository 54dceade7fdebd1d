"""A line's allowance buckets, fee charges and packages are kept under its connection too
(``connected_at``), so a number given to a new line starts with none of its earlier owner's.

Existing rows take their line's connection; a row plainly of an earlier owner (before that
connection, or charged to another account) takes the epoch, so the current line sees none of it.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_EPOCH = "TIMESTAMPTZ '1970-01-01 00:00:00+00'"
_KEYS = {
    "allowance_buckets": ("msisdn", "period", "allowance"),
    "fee_charges": ("msisdn", "kind", "period_date"),
    "line_packages": ("msisdn", "code", "started_at"),
}
_CURRENT = {
    "allowance_buckets": "t.period >= date_trunc('month', l.connected_at - interval '1 day')::date",
    "fee_charges": "t.account_id = l.account_id",
    "line_packages": "t.started_at >= l.connected_at",
}


def _fill(table: str) -> None:
    op.execute(f"UPDATE {table} AS t SET connected_at = CASE WHEN {_CURRENT[table]} "
               f"THEN l.connected_at ELSE {_EPOCH} END FROM lines AS l WHERE l.msisdn = t.msisdn")
    op.execute(f"UPDATE {table} SET connected_at = {_EPOCH} WHERE connected_at IS NULL")


def _rekey(table: str, keys: tuple[str, ...]) -> None:
    op.drop_constraint(f"{table}_pkey", table, type_="primary")
    op.create_primary_key(f"{table}_pkey", table, list(keys))


def upgrade() -> None:
    for table, (msisdn, *rest) in _KEYS.items():
        op.add_column(table, sa.Column("connected_at", sa.DateTime(timezone=True)))
        _fill(table)
        op.alter_column(table, "connected_at", nullable=False)
        _rekey(table, (msisdn, "connected_at", *rest))


def _keep_latest(table: str, keys: tuple[str, ...]) -> None:
    same = " AND ".join(f"later.{k} = t.{k}" for k in keys)
    op.execute(f"DELETE FROM {table} AS t USING {table} AS later "
               f"WHERE {same} AND later.connected_at > t.connected_at")


def downgrade() -> None:
    for table, keys in _KEYS.items():
        _keep_latest(table, keys)
        _rekey(table, keys)
        op.drop_column(table, "connected_at")
