"""Pricing rules on pure domain objects: increments, KiB rounding, units, VAT, allowances."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from rating.domain.plan import Allowance, PlanError, PlanVersion, Price
from rating.domain.pricing import billed_quantity, charge, increments

D = Decimal


def _plan(*prices: Price, allowances: tuple[Allowance, ...] = (), include_vat: bool = False,
          currency: str = "MDL") -> PlanVersion:
    return PlanVersion(code="p", version=1, name="P", payment_mode="postpaid", currency=currency,
                       monthly_fee=D("0"), vat_rate=D("0.20"), prices_include_vat=include_vat,
                       effective_from=date(2026, 1, 1), allowances=allowances, prices=prices)


VOICE = Price("voice", "out", "national", D("0.60"), 60, 1, "minute")
DATA = Price("data", "*", "*", D("0.10"), unit="MiB")


@pytest.mark.parametrize(("seconds", "first", "following", "billed"), [
    (0, 60, 1, 0), (1, 60, 1, 60), (60, 60, 1, 60), (61, 60, 1, 61), (61, 60, 60, 120),
    (120, 60, 60, 120), (121, 60, 60, 180), (31, 30, 30, 60), (1, 1, 1, 1),
])
def test_voice_is_billed_in_increments(seconds: int, first: int, following: int, billed: int) -> None:
    assert increments(seconds, first, following) == billed


@pytest.mark.parametrize(("size", "billed"), [(0, 0), (1, 1024), (1024, 1024), (1025, 2048),
                                              (1_500_000, 1465 * 1024)])
def test_each_data_session_is_rounded_up_to_whole_kib(size: int, billed: int) -> None:
    assert billed_quantity(DATA, size) == billed


def test_voice_is_priced_per_minute_of_billed_seconds() -> None:
    priced = charge(_plan(VOICE), VOICE, 90, 0)
    assert (priced.billed, priced.net, priced.vat, priced.gross) == (90, D("0.90"), D("0.18"), D("1.08"))


def test_a_price_per_second_uses_the_seconds_billed() -> None:
    per_second = replace(VOICE, unit_price=D("0.01"), unit="second")
    assert charge(_plan(per_second), per_second, 61, 0).net == D("0.61")


def test_data_is_priced_per_mib_and_kept_exact_per_record() -> None:
    assert charge(_plan(DATA), DATA, 1_572_864, 0).net == D("0.15")
    priced = charge(_plan(DATA), DATA, 1_500_000, 0)
    # 1,465 KiB billed (1,500,000 bytes rounded up) at 0.10 per MiB, VAT 20 %, unrounded.
    assert (priced.net, priced.vat, priced.gross) == (
        D("0.1430664063"), D("0.0286132813"), D("0.1716796876"))
    assert charge(_plan(DATA), DATA, 1, 0).gross == D("0.0001171876")


def test_prices_including_vat_split_the_gross_amount() -> None:
    sms = Price("sms", "out", "*", D("0.50"), unit="message")
    priced = charge(_plan(sms, include_vat=True), sms, 1, 0)
    assert (priced.net, priced.vat, priced.gross) == (
        D("0.4166666667"), D("0.0833333333"), D("0.50"))
    assert priced.net + priced.vat == priced.gross


def test_the_allowance_covers_billed_quantity_before_the_price() -> None:
    plan = _plan(VOICE)
    assert charge(plan, VOICE, 90, 120).net == D("0")
    partly = charge(plan, VOICE, 90, 30)
    assert (partly.allowance_used, partly.net) == (30, D("0.60"))
    assert charge(plan, VOICE, 10, 0).net == D("0.60")


def test_no_record_is_rounded_to_the_minor_unit() -> None:
    yen = Price("sms", "out", "*", D("0.6"), unit="message")
    assert charge(_plan(yen, currency="JPY"), yen, 1, 0).net == D("0.6")
    per_second = Price("voice", "out", "*", D("0.01"), first_increment=1, next_increment=1)
    # 125 s at 0.01 per minute: 0.0208333... kept at ten places, not 0.02.
    assert charge(_plan(per_second), per_second, 125, 0).net == D("0.0208333333")


def test_the_most_specific_price_wins_and_star_matches_any() -> None:
    general = Price("voice", "*", "*", D("1"))
    outgoing = Price("voice", "out", "*", D("2"))
    national = Price("voice", "*", "national", D("3"))
    exact = Price("voice", "out", "national", D("4"))
    plan = _plan(general, outgoing, national, exact)
    assert plan.price_for("voice", "out", "national") == exact
    assert plan.price_for("voice", "in", "national") == national
    assert plan.price_for("voice", "out", "roaming") == outgoing
    assert plan.price_for("voice", "in", "roaming") == general
    assert plan.price_for("sms", "out", "national") is None


def test_a_plan_refuses_duplicate_entries_and_foreign_units() -> None:
    with pytest.raises(PlanError, match="twice"):
        _plan(VOICE, replace(VOICE, unit_price=D("1")))
    with pytest.raises(PlanError) as refused:
        _plan(replace(VOICE, unit="MiB"))
    assert refused.value.field == "prices.0.unit"
