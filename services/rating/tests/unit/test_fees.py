"""Recurring fee rules: pro rata, daily shares, suspended days and plan changes (pure domain)."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from rating.domain.fees import daily_share, days_in_month, pro_rata
from rating.domain.lines import Account, Line, PlanChange, Suspension
from rating.domain.plan import PlanVersion
from rating.domain.schedule import FeeCharge, LineFees

D = Decimal
FEES = [D("100.00"), D("99.99"), D("0.01"), D("0.29"), D("100.10"), D("7.77"), D("1234.56")]
MONTHS = [date(year, month, 1) for year in (2024, 2025, 2026) for month in range(1, 13)]


def _plan(code: str = "p", fee: str = "100.00", mode: str = "postpaid", version: int = 1,
          effective: date = date(2020, 1, 1), **changes: object) -> PlanVersion:
    terms: dict[str, object] = {
        "code": code, "version": version, "name": code, "payment_mode": mode, "currency": "MDL",
        "monthly_fee": D(fee), "vat_rate": D("0.20"), "prices_include_vat": False,
        "effective_from": effective, "allowances": (), "prices": ()} | changes
    return PlanVersion(**terms)  # type: ignore[arg-type]


def _fees(mode: str, connected: datetime, *plans: PlanVersion, changes: tuple[PlanChange, ...] = (),
          suspensions: tuple[Suspension, ...] = ()) -> LineFees:
    line = Line("37369000001", "a1", plans[0].code, connected, changes)
    grouped: dict[str, list[PlanVersion]] = {}
    for plan in plans:
        grouped.setdefault(plan.code, []).append(plan)
    return LineFees(line, Account("a1", "MDL", mode, "UTC"), grouped, suspensions)


def _total(charges: list[FeeCharge]) -> Decimal:
    return sum((c.amount for c in charges), D(0))


@pytest.mark.parametrize("fee", FEES)
def test_the_daily_shares_of_every_month_add_up_to_the_fee_exactly(fee: Decimal) -> None:
    for first in MONTHS:
        length = days_in_month(first)
        shares = [daily_share(fee, first.replace(day=d), "MDL") for d in range(1, length + 1)]
        assert sum(shares) == fee, first
        assert max(shares) - min(shares) <= D("0.01"), first
        assert all(s == s.quantize(D("0.01")) and s >= 0 for s in shares)


def test_months_of_every_length_are_covered() -> None:
    assert {days_in_month(m) for m in MONTHS} == {28, 29, 30, 31}


@pytest.mark.parametrize("fee", FEES)
def test_a_prepaid_month_is_debited_day_by_day_and_adds_up_to_the_fee(fee: Decimal) -> None:
    for first in MONTHS:
        fees = _fees("prepaid", datetime(2020, 1, 1, tzinfo=UTC), _plan(fee=str(fee), mode="prepaid"))
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        charges = fees.charges(first, last)
        assert _total(charges) == fee
        assert {c.kind for c in charges} <= {"daily"}
        assert [c.period_date for c in charges] == sorted({c.period_date for c in charges})


def test_the_first_postpaid_month_is_charged_pro_rata_from_the_connection_day() -> None:
    fees = _fees("postpaid", datetime(2026, 4, 20, 15, 30, tzinfo=UTC), _plan(fee="100.00"))
    charges = fees.charges(date(2026, 4, 1), date(2026, 6, 30))
    # April: 11 days of 30 (20th to 30th) = 36.666... -> 36.67, rounded once.
    assert [(c.period_date, c.kind, c.amount) for c in charges] == [
        (date(2026, 4, 20), "monthly", D("36.67")),
        (date(2026, 5, 1), "monthly", D("100.00")),
        (date(2026, 6, 1), "monthly", D("100.00"))]
    # Its VAT stays exact: the ledger rounds VAT per rate and period, not per charge.
    assert (charges[0].split.net, charges[0].split.vat, charges[0].split.gross) == (
        D("36.67"), D("7.334"), D("44.004"))
    assert pro_rata(D("100.00"), 11, 30, "MDL") == D("36.67")


def test_the_first_february_of_a_leap_year_is_charged_for_its_29_days() -> None:
    fees = _fees("postpaid", datetime(2028, 2, 15, tzinfo=UTC), _plan(fee="29.00"))
    [charge] = fees.charges(date(2028, 2, 15), date(2028, 2, 29))
    assert charge.amount == D("15.00")


def test_suspended_days_cost_nothing_prepaid() -> None:
    suspension = Suspension("a1", datetime(2026, 5, 10, 14, tzinfo=UTC),
                            datetime(2026, 5, 15, 14, tzinfo=UTC))
    fees = _fees("prepaid", datetime(2026, 1, 1, tzinfo=UTC), _plan(fee="31.00", mode="prepaid"),
                 suspensions=(suspension,))
    charges = fees.charges(date(2026, 5, 1), date(2026, 5, 31))
    # Suspended at the start of the 11th to the 15th: five free days of a 31-day month.
    assert [c.period_date.day for c in charges] == [d for d in range(1, 32) if not 11 <= d <= 15]
    assert _total(charges) == D("26.00")


def test_suspended_days_are_credited_postpaid_and_the_month_costs_its_chargeable_days() -> None:
    suspension = Suspension("a1", datetime(2026, 6, 10, 9, tzinfo=UTC),
                            datetime(2026, 6, 20, 9, tzinfo=UTC))
    fees = _fees("postpaid", datetime(2026, 1, 1, tzinfo=UTC), _plan(fee="30.00"))
    before = fees.charges(date(2026, 6, 1), date(2026, 6, 5))
    fees.suspensions = (suspension,)  # learned on the 10th
    after = fees.charges(date(2026, 6, 6), date(2026, 6, 30))
    assert [(c.kind, c.amount) for c in before] == [("monthly", D("30.00"))]
    assert [(c.period_date, c.kind, c.amount) for c in after] == [
        (date(2026, 6, 6), "monthly_adjustment", D("-10.00"))]
    assert _total(before + after) == D("20.00")


def test_a_whole_month_suspended_costs_nothing() -> None:
    suspension = Suspension("a1", datetime(2026, 6, 30, tzinfo=UTC), datetime(2026, 8, 1, tzinfo=UTC))
    for mode in ("prepaid", "postpaid"):
        fees = _fees(mode, datetime(2026, 1, 1, tzinfo=UTC), _plan(fee="31.00", mode=mode),
                     suspensions=(suspension,))
        assert fees.charges(date(2026, 7, 1), date(2026, 7, 31)) == []


def test_a_plan_change_applies_from_the_first_day_on_the_new_plan() -> None:
    change = PlanChange(datetime(2026, 5, 16, 0, tzinfo=UTC), "q")
    old, new = _plan("p", fee="31.00"), _plan("q", fee="62.00")
    fees = _fees("postpaid", datetime(2026, 1, 1, tzinfo=UTC), old, new)
    first = fees.charges(date(2026, 5, 1), date(2026, 5, 10))
    fees.line = Line("37369000001", "a1", "p", datetime(2026, 1, 1, tzinfo=UTC), (change,))
    rest = fees.charges(date(2026, 5, 11), date(2026, 6, 1))
    may = [c for c in first + rest if c.period_date.month == 5]
    # 15 days at 31.00/31 + 16 days at 62.00/31 = 15.00 + 32.00.
    assert _total(may) == D("47.00")
    assert [(c.kind, c.amount) for c in rest] == [("monthly_adjustment", D("16.00")),
                                                    ("monthly", D("62.00"))]


def test_a_new_plan_version_changes_the_fee_from_its_effective_date() -> None:
    versions = (_plan(fee="30.00"), _plan(fee="60.00", version=2, effective=date(2026, 9, 16)))
    fees = _fees("prepaid", datetime(2026, 1, 1, tzinfo=UTC), *versions)
    charges = fees.charges(date(2026, 9, 1), date(2026, 9, 30))
    assert _total(charges) == D("45.00")


def test_a_line_is_charged_in_its_account_time_zone() -> None:
    line = Line("37369000001", "a1", "p", datetime(2026, 3, 31, 22, 30, tzinfo=UTC))
    fees = LineFees(line, Account("a1", "MDL", "postpaid", "Europe/Chisinau"),
                    {"p": [_plan(fee="30.00")]}, ())
    assert fees.connection_day == date(2026, 4, 1)
    assert fees.today(datetime(2026, 4, 30, 21, 30, tzinfo=UTC)) == date(2026, 5, 1)
    [charge] = fees.charges(date(2026, 3, 31), date(2026, 4, 1))
    assert (charge.period_date, charge.amount) == (date(2026, 4, 1), D("30.00"))


def test_a_plan_in_another_currency_than_the_account_is_never_charged() -> None:
    fees = _fees("prepaid", datetime(2026, 1, 1, tzinfo=UTC), _plan(fee="30.00", currency="EUR"))
    assert fees.charges(date(2026, 1, 1), date(2026, 1, 31)) == []


def test_days_already_charged_are_not_charged_again() -> None:
    fees = _fees("prepaid", datetime(2026, 1, 1, tzinfo=UTC), _plan(fee="31.00", mode="prepaid"))
    fees.charges(date(2026, 1, 1), date(2026, 1, 10))
    again = LineFees(fees.line, fees.account, fees.plans, (), dict(fees.charged))
    rest = again.charges(date(2026, 1, 11), date(2026, 1, 31))
    assert _total(rest) == D("21.00") and len(rest) == 21
    assert rest[0].period_date - timedelta(days=1) == date(2026, 1, 10)
