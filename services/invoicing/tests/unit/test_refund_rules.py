"""The refund movement: a negative amount naming its payment, never more than is left of it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from invoicing.domain.ledger import EntryKind, LedgerEntry, LedgerError, refund_entry

AT = datetime(2026, 6, 3, 9, tzinfo=UTC)
PAYMENT = LedgerEntry(id="p-entry", account_id="a1", kind=EntryKind.PAYMENT, type="payment",
                      currency="MDL", occurred_on=date(2026, 6, 1), amount=Decimal("50.00"),
                      source_event_id="e1", created_at=AT, channel="card", reference="pay-1")


def _refund(amount: str, before: str = "0") -> LedgerEntry:
    return refund_entry(PAYMENT, Decimal(before), Decimal(amount), entry_id="r-entry",
                        refund_id="ref-1", event_id="e2", at=AT, on=date(2026, 6, 3))


def test_a_refund_is_a_negative_movement_that_names_its_payment() -> None:
    entry = _refund("20.00")
    assert (entry.kind, entry.amount, entry.reverses) == (EntryKind.REFUND, Decimal("-20.00"),
                                                          "p-entry")
    assert (entry.reference, entry.channel, entry.currency) == ("ref-1", "card", "MDL")
    assert _refund("30.00", before="20.00").amount == Decimal("-30.00")


@pytest.mark.parametrize(("amount", "before"), [("0", "0"), ("-1.00", "0"), ("50.01", "0"),
                                                ("30.01", "20.00")])
def test_nothing_and_more_than_is_left_are_refused(amount: str, before: str) -> None:
    with pytest.raises(LedgerError):
        _refund(amount, before)
