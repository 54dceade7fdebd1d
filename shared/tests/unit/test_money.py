"""The one rounding rule, minor units, amount parsing, VAT splits and Money arithmetic."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from tarifa.money import ROUNDING, InvalidAmount, Money, minor_units, parse_amount, round_amount, split_vat


def test_the_rounding_rule_is_half_away_from_zero() -> None:
    assert ROUNDING == ROUND_HALF_UP
    assert round_amount(Decimal("0.005"), "MDL") == Decimal("0.01")
    assert round_amount(Decimal("-0.005"), "MDL") == Decimal("-0.01")
    assert round_amount(Decimal("0.0049"), "MDL") == Decimal("0.00")
    assert round_amount(Decimal("2.5"), "JPY") == Decimal("3")
    assert round_amount(Decimal("1.0005"), "KWD") == Decimal("1.001")


@pytest.mark.parametrize(("currency", "digits"), [("MDL", 2), ("EUR", 2), ("JPY", 0), ("KWD", 3)])
def test_minor_units_follow_iso_4217(currency: str, digits: int) -> None:
    assert minor_units(currency) == digits
    assert round_amount(Decimal("1"), currency).as_tuple().exponent == -digits


@pytest.mark.parametrize("code", ["mdl", "MD", "EURO", "12A", ""])
def test_a_malformed_currency_code_is_refused(code: str) -> None:
    with pytest.raises(InvalidAmount):
        minor_units(code)


def test_parse_amount_reads_decimal_strings_at_the_minor_unit() -> None:
    assert parse_amount("150.5", "MDL") == Decimal("150.50")
    assert str(parse_amount(" 7 ", "MDL")) == "7.00"
    assert parse_amount("-3.25", "MDL", allow_negative=True) == Decimal("-3.25")


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity", "sNaN", "abc", "", "1,50",
                                  "0.001", "1.005", "-1.00", "1e400x"])
def test_parse_amount_refuses_what_is_not_an_amount(text: str) -> None:
    with pytest.raises(InvalidAmount):
        parse_amount(text, "MDL")


def test_parse_amount_refuses_decimals_a_currency_does_not_have() -> None:
    with pytest.raises(InvalidAmount):
        parse_amount("10.5", "JPY")
    assert parse_amount("10.500", "KWD") == Decimal("10.500")


@pytest.mark.parametrize("amount", ["0.01", "0.05", "1.00", "9.99", "19.99", "100.00", "123456.78",
                                    "0.03", "33.33"])
@pytest.mark.parametrize("rate", ["0.20", "0.08", "0.19", "0.0", "0.075"])
@pytest.mark.parametrize("includes_vat", [True, False])
def test_split_vat_keeps_net_plus_vat_equal_to_gross(amount: str, rate: str,
                                                     includes_vat: bool) -> None:
    net, vat, gross = split_vat(Decimal(amount), Decimal(rate), "MDL", includes_vat=includes_vat)
    assert net + vat == gross
    for part in (net, vat, gross):
        assert part == round_amount(part, "MDL")
    assert (gross if includes_vat else net) == Decimal(amount)


def test_split_vat_rounds_the_tax_once_half_up() -> None:
    assert split_vat(Decimal("0.05"), Decimal("0.10"), "MDL", includes_vat=False) == (
        Decimal("0.05"), Decimal("0.01"), Decimal("0.06"))
    assert split_vat(Decimal("1.20"), Decimal("0.20"), "MDL", includes_vat=True) == (
        Decimal("1.00"), Decimal("0.20"), Decimal("1.20"))


def test_money_adds_and_subtracts_within_one_currency() -> None:
    total = Money(Decimal("10.10"), "MDL") + Money(Decimal("0.205"), "MDL")
    assert total == Money(Decimal("10.31"), "MDL")
    assert (total - Money(Decimal("0.31"), "MDL")).amount == Decimal("10.00")
    assert -Money(Decimal("1"), "MDL") == Money(Decimal("-1.00"), "MDL")
    assert Money(Decimal("12.34"), "MDL").to_minor() == 1234
    assert Money.zero("JPY").to_minor() == 0
    assert str(Money(Decimal("5"), "EUR")) == "5.00 EUR"


def test_money_refuses_to_mix_currencies() -> None:
    mdl, eur = Money(Decimal("1.00"), "MDL"), Money(Decimal("1.00"), "EUR")
    with pytest.raises(InvalidAmount, match="MDL and EUR"):
        _ = mdl + eur
    with pytest.raises(InvalidAmount):
        _ = mdl - eur
