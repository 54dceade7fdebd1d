"""The bounds of each kind of payment per currency: the defaults, the operator's overrides and
the older caps on top, and that what is published is what is checked."""

from __future__ import annotations

from decimal import Decimal

import pytest
from payments.domain.default_limits import DEFAULT_LIMITS, overridden
from payments.domain.limits import KINDS, Bounds, LimitExceeded, PaymentLimits, UnknownLimitCurrency
from payments.settings import PaymentsSettings
from pydantic import ValidationError

DEFAULTS = PaymentLimits(max_per_transaction={"RON": Decimal("5000.00")},
                         topup_min={"EUR": Decimal("5.00")}, topup_max={"EUR": Decimal("100.00")},
                         kinds=overridden({}))


@pytest.mark.parametrize("currency", ["RON", "MDL", "BYN", "RUB", "EUR"])
def test_each_currency_sold_in_has_bounds_for_every_kind(currency: str) -> None:
    bounds = DEFAULTS.bounds(currency)
    assert sorted(bounds) == sorted(KINDS)
    assert all(Decimal(0) < b.least < b.most < Decimal("Infinity") for b in bounds.values())


@pytest.mark.parametrize("currency", ["RON", "MDL", "BYN", "RUB", "EUR"])
@pytest.mark.parametrize("kind", ["invoice", "advance", "topup"])
def test_the_published_bounds_are_the_ones_checked(currency: str, kind: str) -> None:
    bounds = DEFAULTS.bounds(currency)[kind]
    DEFAULTS.check(kind, bounds.least, currency)
    DEFAULTS.check(kind, bounds.most, currency)
    for outside in (bounds.least - Decimal("0.01"), bounds.most + Decimal("0.01")):
        with pytest.raises(LimitExceeded):
            DEFAULTS.check(kind, outside, currency)


def test_paying_for_another_account_is_held_to_its_own_bounds_too() -> None:
    most = DEFAULT_LIMITS["MDL"]["another"].most
    DEFAULTS.check("advance", most + 1, "MDL")
    with pytest.raises(LimitExceeded, match="another account is at most"):
        DEFAULTS.check("advance", most + 1, "MDL", for_another=True)


def test_the_policy_caps_of_the_settings_stay_on_top_of_the_defaults() -> None:
    assert DEFAULTS.bounds("RON")["advance"].most == Decimal("5000.00")
    assert DEFAULTS.bounds("EUR")["topup"] == Bounds(Decimal("5.00"), Decimal("100.00"))


def test_an_operator_replaces_one_kind_and_adds_a_currency() -> None:
    limits = PaymentLimits(kinds=overridden({
        "MDL": {"topup": Bounds(Decimal("20.00"), Decimal("500.00"))},
        "USD": {"advance": Bounds(Decimal("2.00"), Decimal("300.00"))}}))
    assert limits.bounds("MDL")["topup"] == Bounds(Decimal("20.00"), Decimal("500.00"))
    assert limits.bounds("MDL")["invoice"] == DEFAULT_LIMITS["MDL"]["invoice"]
    assert limits.bounds("USD")["advance"].most == Decimal("300.00")
    assert limits.bounds("USD")["invoice"].most == Decimal("Infinity")


def test_a_currency_without_limits_is_unknown_to_publish_and_unchecked() -> None:
    with pytest.raises(UnknownLimitCurrency):
        DEFAULTS.bounds("GBP")
    DEFAULTS.check("topup", Decimal("1000000"), "GBP")


def test_the_limits_setting_is_read_from_json_and_refuses_a_min_above_its_max(
        monkeypatch: pytest.MonkeyPatch) -> None:
    base = {"database_url": "postgresql://db/payments", "amqp_url": "amqp://broker/"}
    monkeypatch.setenv("PAYMENTS_LIMITS", '{"MDL": {"topup": {"min": "20", "max": "500"}}}')
    read = PaymentsSettings(**base).limits["MDL"]["topup"]
    assert (read.min, read.max) == (Decimal("20"), Decimal("500"))
    for wrong in ('{"MDL": {"topup": {"min": "50", "max": "5"}}}', '{"mdl": {}}',
                  '{"MDL": {"gift": {"min": "1", "max": "5"}}}',
                  '{"MDL": {"topup": {"min": "0", "max": "5"}}}'):
        monkeypatch.setenv("PAYMENTS_LIMITS", wrong)
        with pytest.raises(ValidationError):
            PaymentsSettings(**base)
