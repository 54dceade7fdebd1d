"""Safe text, sane dates and the ISO 4217 list: the checks every body of the suite goes through."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from pydantic import BaseModel, ValidationError
from tarifa.currencies import CURRENCIES, UnknownCurrency, check_currency
from tarifa.fields import CurrencyCode, MultilineText, SaneDate, SaneDatetime, Text
from tarifa.money import InvalidAmount, round_amount
from tarifa.sanity import InsaneInput, check_date, check_instant, control_character


@pytest.mark.parametrize("text", ["a\x00b", "\x1b[31m", "tab\there", "new\nline", "bare\rcr",
                                  "\x7f", "\x85", "\u2028", "\ud800"])
def test_a_single_line_refuses_control_characters(text: str) -> None:
    assert control_character(text) is not None


@pytest.mark.parametrize("text", ["Ion Popescu", "Ștefan cel Mare 1, ap. 2", "Иван", "👩\u200d💻",
                                  "\u200fعربى", ""])
def test_ordinary_text_of_any_script_passes(text: str) -> None:
    assert control_character(text) is None


def test_multiline_text_keeps_newlines_tabs_and_crlf_only() -> None:
    assert control_character("Dear {name},\r\n\tyour bill\n", multiline=True) is None
    assert control_character("a\rb", multiline=True) == "\r"
    assert control_character("a\x00\nb", multiline=True) == "\x00"


@pytest.mark.parametrize("day", [date(1, 1, 31), date(1999, 12, 31), date(2101, 1, 1), date(9999, 12, 31)])
def test_dates_outside_2000_to_2100_are_refused(day: date) -> None:
    with pytest.raises(InsaneInput):
        check_date(day)


def test_instants_are_bounded_in_utc_even_at_the_edges_of_the_calendar() -> None:
    far_east = timezone(timedelta(hours=14))
    with pytest.raises(InsaneInput):
        check_instant(datetime(1, 1, 1, tzinfo=far_east))  # UTC would be year 0
    with pytest.raises(InsaneInput):
        check_instant(datetime(9999, 12, 31, 23, tzinfo=timezone(-timedelta(hours=12))))
    assert check_instant(datetime(2026, 3, 1, tzinfo=UTC)).year == 2026


def test_the_currency_list_is_iso_4217_with_its_minor_units() -> None:
    assert CURRENCIES["MDL"] == 2 and CURRENCIES["XOF"] == 0 and CURRENCIES["CLF"] == 4
    for code in ("ZZZ", "XAU", "XXX", "XTS", "mdl"):
        with pytest.raises(UnknownCurrency):
            check_currency(code)
    with pytest.raises(InvalidAmount):
        round_amount(Decimal(1), "ZZZ")


class _Body(BaseModel):
    name: Text
    template: MultilineText
    day: SaneDate
    at: SaneDatetime
    currency: CurrencyCode


_GOOD = {"name": "Ion", "template": "a\nb", "day": "2026-01-31", "at": "2026-01-31T10:00:00+02:00",
         "currency": "MDL"}


@pytest.mark.parametrize(("field", "value"), [
    ("name", "a\x00b"), ("template", "a\x00b"), ("day", "0001-01-31"), ("day", "9999-12-31"),
    ("at", "0001-01-01T00:00:00+00:00"), ("at", "2026-01-31T10:00:00"), ("currency", "ZZZ"),
    ("currency", "XAU"),
])
def test_the_pydantic_types_refuse_each_bad_field(field: str, value: str) -> None:
    assert _Body.model_validate(_GOOD).currency == "MDL"
    with pytest.raises(ValidationError) as raised:
        _Body.model_validate({**_GOOD, field: value})
    assert [error["loc"] for error in raised.value.errors()] == [(field,)]
