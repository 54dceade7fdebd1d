"""The pure rules of periods, statements, numbers and allocation."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from invoicing.domain.billing import (
    BillingError,
    Period,
    check_period_end,
    due_date,
    figures,
    invoice_number,
    payable,
    period_start,
)
from invoicing.domain.invoice import InvoiceStatus, OpenInvoice, allocate
from invoicing.domain.ledger import EntryKind, LedgerEntry

NOW = datetime(2026, 6, 1, tzinfo=UTC)
EN = Period(date(2026, 5, 1), "MDL", "en")


def _charge(msisdn: str, kind: str, gross: str, vat: str, quantity: int = 1,
            direction: str = "out") -> LedgerEntry:
    return LedgerEntry(id=f"{msisdn}-{kind}-{gross}", account_id="a", kind=EntryKind.CHARGE,
                       type=kind, currency="MDL", occurred_on=date(2026, 5, 3),
                       amount=-Decimal(gross), source_event_id="e", created_at=NOW,
                       msisdn=msisdn, direction=direction, quantity=Decimal(quantity),
                       unit="message", net=Decimal(gross) - Decimal(vat), vat=Decimal(vat),
                       gross=Decimal(gross))


def _payment(amount: str) -> LedgerEntry:
    return LedgerEntry(id=f"p-{amount}", account_id="a", kind=EntryKind.PAYMENT, type="payment",
                       currency="MDL", occurred_on=date(2026, 5, 9), amount=Decimal(amount),
                       source_event_id="e", created_at=NOW)


def test_the_statement_groups_per_line_and_type_and_keeps_the_identity_exactly() -> None:
    charges = [_charge("3736901", "sms", "0.60", "0.10", 1), _charge("3736901", "sms", "1.20", "0.20", 2),
               _charge("3736902", "voice", "43.20", "7.20", 3600, direction="in"),
               _charge("3736901", "sms", "0.01", "0.00", 1, direction="in")]
    stated = figures(Decimal("12.34"), charges, [_payment("10.00"), _payment("0.05")], EN)
    assert [(line.msisdn, line.type, line.quantity, line.gross, line.description)
            for line in stated.lines] == [
        ("3736901", "sms", Decimal(4), Decimal("1.81"), "outgoing, incoming"),
        ("3736902", "voice", Decimal(3600), Decimal("43.20"), "incoming")]
    assert (stated.total_charges, stated.vat_total, stated.total_paid) == (
        Decimal("45.01"), Decimal("7.50"), Decimal("10.05"))
    assert stated.closing_balance == Decimal("47.30") == (
        stated.opening_balance + stated.total_charges - stated.total_paid)
    assert stated.amount_due == Decimal("47.30")
    assert figures(Decimal(0), charges, [], Period(None, "MDL", "ro")).lines[0].description == (
        "efectuate, primite")


def test_an_advance_leaves_nothing_due() -> None:
    stated = figures(Decimal("-50.00"), [_charge("1", "sms", "24.00", "4.00")], [], EN)
    assert (stated.closing_balance, stated.amount_due) == (Decimal("-26.00"), Decimal(0))


@pytest.mark.parametrize(("period_end", "postpaid", "expected"), [
    (date(2026, 5, 31), True, date(2026, 6, 16)),
    (date(2026, 12, 31), True, date(2027, 1, 16)),
    (date(2026, 5, 31), False, None),
])
def test_postpaid_invoices_are_due_on_the_policy_day_of_the_next_month(
    period_end: date, postpaid: bool, expected: date | None
) -> None:
    assert due_date(period_end, 16, postpaid=postpaid) == expected


def test_a_period_starts_at_the_connection_then_after_the_previous_invoice() -> None:
    assert period_start(None, date(2026, 4, 17)) == date(2026, 4, 17)
    assert period_start(date(2026, 4, 30), date(2026, 4, 17)) == date(2026, 5, 1)
    assert period_start(None, None) is None


@pytest.mark.parametrize("period_end", [date(2026, 5, 30), date(2026, 6, 30), date(2026, 2, 27)])
def test_a_period_that_is_not_a_past_month_end_is_refused(period_end: date) -> None:
    with pytest.raises(BillingError):
        check_period_end(period_end, date(2026, 6, 1))


@pytest.mark.parametrize("period_end", [date(2026, 5, 31), date(2024, 2, 29), date(2026, 6, 30)])
def test_a_past_or_todays_month_end_closes_a_period(period_end: date) -> None:
    check_period_end(period_end, date(2026, 6, 30))


def test_numbers_carry_series_year_and_a_six_digit_sequence() -> None:
    assert invoice_number("TRF", 2026, 42) == "TRF-2026-000042"


def test_payments_go_to_the_oldest_open_invoice_first_and_the_rest_is_an_advance() -> None:
    open_invoices = [OpenInvoice("april", Decimal("12.00"), InvoiceStatus.OVERDUE),
                     OpenInvoice("may", Decimal("24.00"), InvoiceStatus.ISSUED)]
    shares = allocate(Decimal("20.00"), open_invoices)
    assert [(s.invoice_id, s.amount, s.settles) for s in shares] == [
        ("april", Decimal("12.00"), True), ("may", Decimal("8.00"), False)]
    assert shares[1].status(InvoiceStatus.ISSUED) is InvoiceStatus.PARTIALLY_PAID
    assert shares[0].status(InvoiceStatus.OVERDUE) is InvoiceStatus.PAID
    assert sum(s.amount for s in allocate(Decimal("100.00"), open_invoices)) == Decimal("36.00")


def test_a_new_invoice_asks_only_for_what_older_open_invoices_do_not() -> None:
    assert payable(Decimal("36.00"), Decimal("12.00")) == Decimal("24.00")
    assert payable(Decimal("10.00"), Decimal("12.00")) == Decimal(0)
