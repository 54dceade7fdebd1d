"""Tables of the rating database."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Identity,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    any_,
    bindparam,
    exists,
    false,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import ScalarSelect
from tarifa.audit.tables import metadata as audit
from tarifa.idempotency.tables import metadata as idempotency
from tarifa.messaging.tables import metadata as messaging

__all__ = ["accounts", "allowance_buckets", "among", "connection_of", "current", "fee_charges",
           "invoiced_periods", "line_packages", "line_plan_changes", "lines", "metadata",
           "of_current_line", "packages", "parked_usage", "plan_versions", "rerating_runs",
           "suspensions", "usage_records", "usage_rejections"]

metadata = MetaData()
for table in (*messaging.tables.values(), *idempotency.tables.values(),
              *audit.tables.values()):
    table.to_metadata(metadata)

accounts = Table(
    "accounts", metadata,
    Column("account_id", String(64), primary_key=True),
    Column("currency", String(3), nullable=False),
    Column("payment_mode", String(16), nullable=False),
    Column("timezone", String(64), nullable=False),
)

lines = Table(
    "lines", metadata,
    Column("msisdn", String(32), primary_key=True),
    Column("account_id", String(64), nullable=False, index=True),
    Column("plan_code", String(64), nullable=False),
    Column("connected_at", DateTime(timezone=True), primary_key=True),
    Column("fees_through", Date),
    Column("closed_at", DateTime(timezone=True)),
    Column("replaced_at", DateTime(timezone=True)),
)
"""Every connection of a number: the one not ``replaced_at`` by a later one is its current line."""
Index("lines_current", lines.c.msisdn, unique=True,
      postgresql_where=lines.c.replaced_at.is_(None))

line_plan_changes = Table(
    "line_plan_changes", metadata,
    Column("msisdn", String(32), primary_key=True),
    Column("effective_at", DateTime(timezone=True), primary_key=True),
    Column("plan_code", String(64), nullable=False),
)

suspensions = Table(
    "suspensions", metadata,
    Column("account_id", String(64), primary_key=True),
    Column("starts_at", DateTime(timezone=True), primary_key=True),
    Column("ends_at", DateTime(timezone=True), nullable=False),
)

invoiced_periods = Table(
    "invoiced_periods", metadata,
    Column("account_id", String(64), primary_key=True),
    Column("period_end", Date, nullable=False),
)

packages = Table(
    "packages", metadata,
    Column("code", String(32), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("payment_mode", String(16), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("monthly_fee", Numeric(), nullable=False),
    Column("vat_rate", Numeric(), nullable=False),
    Column("prices_include_vat", Boolean, nullable=False),
    Column("allowances", JSONB, nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
)

line_packages = Table(
    "line_packages", metadata,
    Column("msisdn", String(32), primary_key=True),
    Column("connected_at", DateTime(timezone=True), primary_key=True),
    Column("code", String(32), primary_key=True),
    Column("started_at", DateTime(timezone=True), primary_key=True),
    Column("ended_at", DateTime(timezone=True)),
)

fee_charges = Table(
    "fee_charges", metadata,
    Column("msisdn", String(32), primary_key=True),
    Column("connected_at", DateTime(timezone=True), primary_key=True),
    Column("kind", String(100), primary_key=True),
    Column("period_date", Date, primary_key=True),
    Column("account_id", String(64), nullable=False),
    Column("plan_code", String(64), nullable=False),
    Column("plan_version", Integer, nullable=False),
    Column("amount", Numeric(), nullable=False),
    Column("net", Numeric(), nullable=False),
    Column("vat", Numeric(), nullable=False),
    Column("gross", Numeric(), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("charged_at", DateTime(timezone=True), nullable=False),
)
Index("fee_charges_by_line", fee_charges.c.msisdn, fee_charges.c.period_date)

plan_versions = Table(
    "plan_versions", metadata,
    Column("code", String(64), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("payment_mode", String(16), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("monthly_fee", Numeric(), nullable=False),
    Column("vat_rate", Numeric(), nullable=False),
    Column("prices_include_vat", Boolean, nullable=False),
    Column("effective_from", Date, nullable=False),
    Column("allowances", JSONB, nullable=False),
    Column("prices", JSONB, nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
)

usage_records = Table(
    "usage_records", metadata,
    Column("id", String(100), primary_key=True),
    Column("msisdn", String(32), nullable=False),
    Column("account_id", String(64), nullable=False),
    Column("type", String(8), nullable=False),
    Column("direction", String(8), nullable=False),
    Column("zone", String(32), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("usage_date", Date, nullable=False),
    Column("quantity", BigInteger, nullable=False),
    Column("other_party", String(64)),
    Column("roaming_country", String(2)),
    Column("plan_code", String(64), nullable=False),
    Column("plan_version", Integer, nullable=False),
    Column("unit_price", Numeric(), nullable=False),
    Column("unit", String(16), nullable=False),
    Column("billed_quantity", BigInteger, nullable=False),
    Column("allowance", String(80)),
    Column("allowance_used", BigInteger, nullable=False),
    Column("net", Numeric(), nullable=False),
    Column("vat", Numeric(), nullable=False),
    Column("gross", Numeric(), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("batch_id", String(64), nullable=False),
    Column("rated_at", DateTime(timezone=True), nullable=False),
    Column("late", Boolean, nullable=False, server_default=false()),
)
Index("usage_records_by_line", usage_records.c.msisdn, usage_records.c.started_at,
      usage_records.c.id)

rerating_runs = Table(
    "rerating_runs", metadata,
    Column("id", String(64), primary_key=True),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("from_date", Date, nullable=False),
    Column("to_date", Date, nullable=False),
    Column("msisdns", JSONB),
    Column("plan_code", String(64)),
    Column("status", String(16), nullable=False),
    Column("records", Integer, nullable=False),
    Column("changed", Integer, nullable=False),
    Column("kept", Integer, nullable=False),
    Column("differences", JSONB, nullable=False),
)

usage_rejections = Table(
    "usage_rejections", metadata,
    Column("seq", BigInteger, Identity(), primary_key=True),
    Column("batch_id", String(64), nullable=False),
    Column("source", String(16), nullable=False),
    Column("record_id", String(100)),
    Column("position", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    Column("record", JSONB(none_as_null=False), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("detail", Text, nullable=False, server_default=""),
)
Index("usage_rejections_by_time", usage_rejections.c.received_at, usage_rejections.c.seq)
Index("usage_rejections_once", usage_rejections.c.batch_id, usage_rejections.c.position,
      unique=True)
Index("usage_rejections_by_reason", usage_rejections.c.reason, usage_rejections.c.received_at,
      usage_rejections.c.seq)

parked_usage = Table(
    "parked_usage", metadata,
    Column("record_id", String(100), primary_key=True),
    Column("msisdn", String(32), nullable=False),
    Column("batch_id", String(64), nullable=False),
    Column("source", String(16), nullable=False),
    Column("record", JSONB, nullable=False),
    Column("parked_at", DateTime(timezone=True), nullable=False),
    Column("position", Integer, nullable=False, server_default="0"),
)
Index("parked_usage_by_line", parked_usage.c.msisdn)
Index("parked_usage_by_time", parked_usage.c.parked_at)

allowance_buckets = Table(
    "allowance_buckets", metadata,
    Column("msisdn", String(32), primary_key=True),
    Column("connected_at", DateTime(timezone=True), primary_key=True),
    Column("period", Date, primary_key=True),
    Column("allowance", String(80), primary_key=True),
    Column("used", BigInteger, nullable=False),
)


_SEPARATOR = "\x1f"
"""The unit separator, which no id, number or code of the replica holds (they refuse control
characters)."""


def _joined(values: Collection[Any]) -> str | None:
    """The values as one text, when they are non-empty texts without the separator."""
    try:
        joined = _SEPARATOR.join(values)
    except TypeError:
        return None
    if joined.count(_SEPARATOR) != len(values) - 1 or "" in values:
        return None
    return joined


def among(column: ColumnElement[Any], values: Collection[Any]) -> ColumnElement[bool]:
    """``column = ANY(:values)``: one parameter, however many values. Texts go as one text split
    by the server (``string_to_array``), which the driver sends as it is, where an array of a
    thousand texts costs it half a millisecond of CPU to encode; other values (or a text that
    holds the separator, or an empty one) go as an array."""
    joined = _joined(values) if values else None
    if joined is not None:
        text = bindparam(None, joined, type_=Text)
        return column == any_(func.string_to_array(text, _SEPARATOR, type_=ARRAY(Text)))
    return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))


def current() -> ColumnElement[bool]:
    """The current line of each number (not replaced by a later connection)."""
    return lines.c.replaced_at.is_(None)


def connection_of(msisdn: ColumnElement[Any]) -> ScalarSelect[Any]:
    """The connection of the line now holding ``msisdn``: what a line's buckets, fee charges
    and packages are kept under, so a number given to a new line starts with none of them."""
    return (select(lines.c.connected_at).where(lines.c.msisdn == msisdn, current())
            .scalar_subquery())


def of_current_line(table: Table) -> ColumnElement[bool]:
    """The rows of ``table`` kept under the connection of the line now holding their number."""
    return exists().where(lines.c.msisdn == table.c.msisdn, current(),
                          lines.c.connected_at == table.c.connected_at)
