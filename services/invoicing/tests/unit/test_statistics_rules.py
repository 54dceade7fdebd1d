"""The rules of an account's monthly figures: the window, the service types, the signs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from invoicing.domain.statistics import (
    LedgerSum,
    StatisticsError,
    month_after,
    monthly_figures,
    months_back,
    service_type,
)

MAY = date(2026, 5, 1)


def _sum(kind: str, entry_type: str, amount: str, quantity: str = "0", unit: str = "",
         month: date = MAY) -> LedgerSum:
    return LedgerSum(month, kind, entry_type, unit, Decimal(amount), Decimal(quantity))


def test_the_window_crosses_years_and_ends_with_the_month_of_today() -> None:
    assert months_back(date(2027, 2, 28), 3) == [date(2026, 12, 1), date(2027, 1, 1),
                                                 date(2027, 2, 1)]
    assert month_after(date(2026, 12, 1)) == date(2027, 1, 1)
    assert len(months_back(date(2026, 5, 20), 24)) == 24


@pytest.mark.parametrize("count", [0, -1, 25])
def test_a_window_outside_one_to_24_months_is_refused(count: int) -> None:
    with pytest.raises(StatisticsError):
        months_back(MAY, count)


def test_charge_types_count_under_their_service_type() -> None:
    assert [service_type(t) for t in ("voice", "sms", "mms", "data", "fee", "one_off",
                                      "detailed_bill", "vat_rounding", "new")] == [
        "voice", "sms", "mms", "data", "fees", "other", "other", "other", "other"]


def test_charges_and_refunds_read_positive_and_rerating_differences_count() -> None:
    may, = monthly_figures([MAY], [
        _sum("charge", "voice", "-43.20", "3600", "second"),
        _sum("charge", "voice", "4.00", "-300", "second"),
        _sum("charge", "fee", "-120.00"), _sum("payment", "payment", "100.00"),
        _sum("refund", "refund", "-30.00"), _sum("credit", "credit_note", "5.00")])
    assert (may.charges["voice"], may.charges["fees"], may.total_charges) == (
        Decimal("39.20"), Decimal("120.00"), Decimal("159.20"))
    assert (may.payments, may.refunds, may.credits) == (Decimal("100.00"), Decimal("30.00"),
                                                        Decimal("5.00"))
    assert may.usage[0].type == "voice" and may.usage[0].quantity == Decimal(3300)


def test_a_month_without_movements_shows_zeros_and_sums_outside_the_window_are_ignored() -> None:
    april, = monthly_figures([date(2026, 4, 1)], [_sum("payment", "payment", "1.00")])
    assert april.total_charges == 0 and april.payments == 0
    assert {(u.type, u.unit, u.quantity) for u in april.usage} == {
        ("voice", "second", 0), ("sms", "message", 0), ("mms", "message", 0), ("data", "byte", 0)}
