"""The flowing part of a statement: the services per line and the payments, as table rows cut into pages.

Rows carry already formatted text; every figure is one of the statement's own numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from invoicing.domain.statement import Statement, StatementLine

from ._locale import Locale

__all__ = ["PAYMENT_COLUMNS", "RECORD_COLUMNS", "SERVICE_COLUMNS", "Column", "Row", "paginate",
           "statement_rows"]


@dataclass(frozen=True, slots=True)
class Column:
    offset: float  # mm from the left margin
    width: float  # mm
    right: bool = False


@dataclass(frozen=True, slots=True)
class Row:
    kind: str  # "section", "header", "group", "item" or "gap"
    cells: tuple[str, ...] = ()
    columns: tuple[Column, ...] = ()

    @property
    def height(self) -> float:
        """Height in mm."""
        return {"section": 9.0, "header": 6.0, "group": 6.0, "item": 5.0}.get(self.kind, 4.0)


SERVICE_COLUMNS = (Column(0, 34), Column(35, 64), Column(100, 28, True), Column(129, 17, True),
                   Column(147, 15, True), Column(163, 17, True))
RECORD_COLUMNS = (Column(0, 36), Column(37, 31), Column(69, 27), Column(97, 28),
                  Column(126, 30, True), Column(157, 23, True))
PAYMENT_COLUMNS = (Column(0, 24), Column(25, 34), Column(60, 90), Column(150, 30, True))


def statement_rows(statement: Statement, text: Locale) -> list[Row]:
    """Services, then the payments of the period (an invoice's; other documents have none)."""
    if statement.lines and all(line.record is not None for line in statement.lines):
        return list(_record_rows(statement, text))
    if statement.kind != "invoice":
        return list(_service_rows(statement, text))
    return [*_service_rows(statement, text), Row("gap"), *_payment_rows(statement, text)]


def _service_rows(statement: Statement, text: Locale) -> Iterator[Row]:
    yield Row("section", (text("services"),))
    yield Row("header", (text("service_type"), text("description"), text("quantity"), text("net"),
                         text("vat"), text("gross")), SERVICE_COLUMNS)
    for msisdn, lines in _by_msisdn(statement.lines).items():
        if msisdn:
            yield Row("group", (f"{text('line')} {msisdn}",))
        for line in lines:
            yield Row("item", _service_cells(line, statement.currency, text), SERVICE_COLUMNS)


def _record_rows(statement: Statement, text: Locale) -> Iterator[Row]:
    """A detailed bill of rated records: one row per record, its own columns (SPEC I7)."""
    yield Row("section", (text("services"),))
    yield Row("header", (text("service_type"), text("date_time"), text("party"), text("zone"),
                         text("quantity"), text("price")), RECORD_COLUMNS)
    for msisdn, lines in _by_msisdn(statement.lines).items():
        yield Row("group", (f"{text('line')} {msisdn}",))
        for line in lines:
            yield Row("item", _record_cells(line, statement.currency, text), RECORD_COLUMNS)


def _record_cells(line: StatementLine, currency: str, text: Locale) -> tuple[str, ...]:
    record = line.record
    assert record is not None  # only rows of records come here
    where = (f"{text('roaming_in')} {record.roaming_country}" if record.roaming_country
             else text.zone(record.zone))
    when = f"{text.date(record.started_at)} {record.started_at:%H:%M:%S}"
    quantity = f"{text.quantity(line.quantity)} {text.unit(line.unit)}".strip()
    return (text.service_type(line.type), when, record.other_party or "", where, quantity,
            text.amount(line.gross, currency))


def _service_cells(line: StatementLine, currency: str, text: Locale) -> tuple[str, ...]:
    quantity = f"{text.quantity(line.quantity)} {text.unit(line.unit)}".strip()
    description = line.description
    if line.late and line.usage_date is not None:
        # Late usage (SPEC R7) says so and gives its real date.
        description = f"{text('late_usage')} {text.date(line.usage_date)} {description}".strip()
    return (text.service_type(line.type), description, quantity,
            text.amount(line.net, currency), text.amount(line.vat, currency),
            text.amount(line.gross, currency))


def _by_msisdn(lines: tuple[StatementLine, ...]) -> dict[str, list[StatementLine]]:
    groups: dict[str, list[StatementLine]] = {}
    for line in lines:
        groups.setdefault(line.msisdn, []).append(line)
    return groups


def _payment_rows(statement: Statement, text: Locale) -> Iterator[Row]:
    yield Row("section", (text("payments"),))
    if not statement.payments:
        yield Row("item", (text("no_payments"),), PAYMENT_COLUMNS[:1])
        return
    yield Row("header", (text("date"), text("channel"), text("reference"), text("amount")),
              PAYMENT_COLUMNS)
    for payment in statement.payments:
        yield Row("item", (text.date(payment.received_at), payment.channel, payment.reference,
                           text.amount(payment.amount, statement.currency)), PAYMENT_COLUMNS)


def paginate(rows: list[Row], first: float, others: float) -> list[list[Row]]:
    """Cut ``rows`` into pages: ``first`` mm of room on page one, ``others`` on the next ones."""
    pages: list[list[Row]] = [[]]
    room = first
    for row in rows:
        keep_with_next = 12.0 if row.kind in ("section", "group") else 0.0
        if row.height + keep_with_next > room and pages[-1]:
            pages.append([])
            room = others
        if not (row.kind == "gap" and not pages[-1]):
            pages[-1].append(row)
            room -= row.height
    return pages
