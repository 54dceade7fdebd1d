"""The rules of one-off charges, without any I/O: amounts, VAT, and a line of their own."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from invoicing.domain.billing import statement_lines
from invoicing.domain.ledger import EntryKind, LedgerEntry
from invoicing.domain.one_off import OneOffCharge, OneOffError, exact_one_off

DAY = date(2026, 5, 20)
SIM = OneOffCharge("a", "SIM card replacement", "50.00", Decimal("0.20"))


def test_a_net_amount_gets_its_vat_on_top_and_a_gross_one_holds_it() -> None:
    net = exact_one_off(SIM, "MDL", DAY)
    assert (net.type, net.usage_date, net.net, net.gross, net.vat_included) == (
        "one_off", DAY, Decimal("50.00"), Decimal("60.00"), False)
    gross = exact_one_off(replace(SIM, amount="100.00", prices_include_vat=True), "MDL", DAY)
    assert gross.gross == Decimal("100.00") and gross.vat_included
    assert gross.net.quantize(Decimal("0.0001")) == Decimal("83.3333")


@pytest.mark.parametrize(("change", "field"), [
    ({"amount": "0.00"}, "amount"), ({"amount": "1.234"}, "amount"),
    ({"amount": "1000000.01"}, "amount"), ({"vat_rate": Decimal(1)}, "vat_rate"),
    ({"vat_rate": Decimal("-0.1")}, "vat_rate"), ({"vat_rate": Decimal("0.12345")}, "vat_rate"),
    ({"vat_rate": Decimal("NaN")}, "vat_rate"),
])
def test_refused_charges_name_their_field(change: dict[str, object], field: str) -> None:
    with pytest.raises(OneOffError) as refused:
        exact_one_off(replace(SIM, **change), "MDL", DAY)  # type: ignore[arg-type]
    assert refused.value.field == field


def _entry(entry_id: str, description: str, gross: str, event: str = "") -> LedgerEntry:
    return LedgerEntry(id=entry_id, account_id="a", kind=EntryKind.CHARGE, type="one_off",
                       currency="MDL", occurred_on=DAY, amount=-Decimal(gross),
                       source_event_id=event, created_at=datetime(2026, 5, 20, tzinfo=UTC),
                       description=description, quantity=Decimal(1), net=Decimal(gross),
                       gross=Decimal(gross), vat_rate=Decimal(0))


def test_each_posted_one_off_is_a_line_and_one_offs_from_events_share_theirs() -> None:
    entries = [_entry("1", "SIM card replacement", "50.00"), _entry("2", "Reconnection", "20.00"),
               _entry("3", "fee a", "1.00", event="e1"), _entry("4", "fee b", "2.00", event="e2")]
    lines, _ = statement_lines(entries, "MDL")
    assert sorted((line.description, line.gross) for line in lines) == [
        ("Reconnection", Decimal("20.00")), ("SIM card replacement", Decimal("50.00")),
        ("fee a, fee b", Decimal("3.00"))]
