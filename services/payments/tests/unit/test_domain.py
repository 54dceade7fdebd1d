"""Payment rules without I/O: limits per currency, refunds, settlement, registry files."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from payments.domain.limits import LimitExceeded, PaymentLimits
from payments.domain.payment import Payment, PaymentError, PaymentStatus
from payments.domain.registry import InvalidRegistry, read_registry

LIMITS = PaymentLimits(max_per_transaction={"RON": Decimal("5000.00")},
                       topup_min={"EUR": Decimal("5.00")}, topup_max={"EUR": Decimal("100.00")})


def _payment(status: PaymentStatus = PaymentStatus.SUCCEEDED, amount: str = "100.00") -> Payment:
    return Payment(id="p1", account_id="a1", amount=Decimal(amount), currency="RON", channel="card",
                   reference="p1", purpose="advance", status=status, payer="account:a1",
                   created_at=datetime(2026, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize(("purpose", "amount", "currency"), [
    ("advance", "5000.01", "RON"), ("topup", "4.99", "EUR"), ("topup", "100.01", "EUR")])
def test_amounts_outside_the_policy_are_refused(purpose: str, amount: str, currency: str) -> None:
    with pytest.raises(LimitExceeded):
        LIMITS.check(purpose, Decimal(amount), currency)


@pytest.mark.parametrize(("purpose", "amount", "currency"), [
    ("advance", "5000.00", "RON"), ("topup", "5.00", "EUR"), ("topup", "100.00", "EUR"),
    ("advance", "9999.00", "MDL"), ("advance", "500.00", "EUR")])
def test_amounts_within_the_policy_or_without_one_pass(purpose: str, amount: str,
                                                       currency: str) -> None:
    LIMITS.check(purpose, Decimal(amount), currency)


def test_refunds_add_up_to_the_amount_paid_and_no_further() -> None:
    once = _payment().refund(Decimal("30.00"))
    assert once.refundable == Decimal("70.00")
    assert once.refund(Decimal("70.00")).refundable == 0
    with pytest.raises(PaymentError):
        once.refund(Decimal("70.01"))
    with pytest.raises(PaymentError):
        _payment(PaymentStatus.REQUIRES_ACTION).refund(Decimal("1.00"))


def test_a_payment_settles_once() -> None:
    pending = _payment(PaymentStatus.REQUIRES_ACTION)
    done = pending.succeeded()
    assert done is not None and done.status is PaymentStatus.SUCCEEDED
    assert done.failed("late decline") is None and done.succeeded() is None
    failed = pending.failed("card_declined")
    assert failed is not None and failed.failure_reason == "card_declined"


def test_registry_columns_in_any_order_extra_ignored() -> None:
    rows = read_registry("\ufeffAmount,Reference,Currency,Paid_at,Account_or_msisdn,Note\n"
                         "12.50, R-1 ,MDL,,+37369000001,x\n", max_rows=10)
    assert [(r.row, r.reference, r.amount, r.account_or_msisdn) for r in rows] == [
        (1, "R-1", "12.50", "+37369000001")]


HEADER = "reference,account_or_msisdn,amount,currency,paid_at\n"


@pytest.mark.parametrize("text", ["", "reference,amount\nR,1\n", HEADER + "r,a,1,MDL,\n" * 3])
def test_files_that_are_not_registries_are_refused(text: str) -> None:
    with pytest.raises(InvalidRegistry):
        read_registry(text, max_rows=2)
