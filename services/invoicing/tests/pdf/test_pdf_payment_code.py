"""The payment code format of documents (encode, decode, refusals)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from invoicing.adapters.pdf import InvalidPaymentCode, PaymentCode

from .conftest import make_statement


def test_a_statement_code_reads_back_to_the_same_payment_data() -> None:
    statement = make_statement("ro")
    code = PaymentCode.of(statement)
    text = code.encode()
    assert text.startswith("TRF1|") and text.split("|")[1].isdigit()
    assert PaymentCode.decode(text) == code
    assert code.amount_minor == int(statement.amount_due * 100)


def test_an_account_id_that_is_not_a_uuid_is_kept_as_it_is() -> None:
    code = PaymentCode("ACC-000123", "2025/17", 990, "EUR")
    assert PaymentCode.decode(code.encode()) == code


def test_an_advance_carries_zero_to_pay() -> None:
    assert PaymentCode.of(make_statement("en", amount_due=Decimal("-12.00"))).amount_minor == 0


@pytest.mark.parametrize("text", ["", "TRF2|a|b|1|MDL", "TRF1|a|b|-1|MDL", "TRF1|a|b|1", "TRF1|a|b|1.5|MDL"])
def test_other_texts_are_refused(text: str) -> None:
    with pytest.raises(InvalidPaymentCode):
        PaymentCode.decode(text)


def test_a_field_holding_the_separator_is_refused() -> None:
    with pytest.raises(InvalidPaymentCode):
        PaymentCode("a|b", "1", 1, "MDL").encode()


def test_an_account_id_of_39_digits_that_would_read_back_as_a_uuid_is_refused() -> None:
    with pytest.raises(InvalidPaymentCode):
        PaymentCode("1" * 39, "1", 1, "MDL").encode()
