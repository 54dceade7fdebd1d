"""The accounts domain rules, without any I/O."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from accounts.domain.account import (
    Account,
    AccountStatus,
    Balance,
    BillDelivery,
    DeliveryMedium,
    PaymentMode,
    check_currency,
    check_timezone,
)
from accounts.domain.clients import ApiClient, ClientRegistry
from accounts.domain.customer import Customer, CustomerKind, Language
from accounts.domain.errors import BadCredentials, InvalidRequest
from accounts.domain.line import Plan, normalise_msisdn

T0 = datetime(2026, 5, 1, tzinfo=UTC)
CUSTOMER = Customer("c1", CustomerKind.PERSON, "Ana", Language.RO, email="ana@example.md",
                    address="Chișinău")
ACCOUNT = Account("a1", "c1", PaymentMode.POSTPAID, "MDL", "Europe/Chisinau",
                  BillDelivery(DeliveryMedium.EBILL, "ana@example.md"), T0)


@pytest.mark.parametrize(("text", "digits"), [("+37369000001", "37369000001"),
                                              ("37369000001", "37369000001"),
                                              (" 40712345678 ", "40712345678")])
def test_numbers_are_kept_as_e164_digits(text: str, digits: str) -> None:
    assert normalise_msisdn(text) == digits


@pytest.mark.parametrize("text", ["", "+", "0712345678", "123456", "1234567890123456",
                                  "+373 69 000 001", "37369-00001", "++37369000001"])
def test_other_numbers_are_refused(text: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        normalise_msisdn(text)
    assert refused.value.field == "msisdn"


def test_currencies_and_time_zones_are_checked() -> None:
    assert check_currency("MDL") == "MDL" and check_timezone("Europe/Bucharest") == "Europe/Bucharest"
    for bad in ("mdl", "EURO", "E1R", ""):
        with pytest.raises(InvalidRequest):
            check_currency(bad)
    for bad in ("Mars/Olympus", "../etc/passwd", "/etc/localtime", ""):
        with pytest.raises(InvalidRequest):
            check_timezone(bad)


def test_bill_delivery_takes_the_missing_destination_from_the_customer() -> None:
    ebill = BillDelivery(DeliveryMedium.EBILL).completed_for(CUSTOMER)
    paper = BillDelivery(DeliveryMedium.PAPER).completed_for(CUSTOMER)
    own = BillDelivery(DeliveryMedium.EBILL, email="bills@firm.md").completed_for(CUSTOMER)
    assert (ebill.email, paper.address, own.email) == ("ana@example.md", "Chișinău", "bills@firm.md")


def test_bill_delivery_without_a_destination_is_refused() -> None:
    nobody = Customer("c2", CustomerKind.BUSINESS, "SRL", Language.RU)
    for medium in DeliveryMedium:
        with pytest.raises(InvalidRequest):
            BillDelivery(medium).completed_for(nobody)


def test_a_plan_must_match_the_account_mode_and_currency() -> None:
    plan = Plan("p", 1, PaymentMode.POSTPAID, Decimal("100.00"), "MDL", Decimal("0.20"),
                date(2026, 1, 1))
    plan.check_fits(ACCOUNT)
    for other in (Plan("p", 1, PaymentMode.PREPAID, plan.monthly_fee, "MDL", plan.vat_rate,
                       plan.effective_from),
                  Plan("p", 1, PaymentMode.POSTPAID, plan.monthly_fee, "EUR", plan.vat_rate,
                       plan.effective_from)):
        with pytest.raises(InvalidRequest):
            other.check_fits(ACCOUNT)


def test_a_closed_account_takes_no_lines() -> None:
    ACCOUNT.check_open()
    closed = replace(ACCOUNT, status=AccountStatus.CLOSED)
    with pytest.raises(InvalidRequest):
        closed.check_open()


def test_only_a_newer_balance_supersedes() -> None:
    held = Balance("a1", Decimal("5.00"), "MDL", T0)
    assert Balance("a1", Decimal("1.00"), "MDL", T0 + timedelta(seconds=1)).supersedes(held)
    assert not Balance("a1", Decimal("1.00"), "MDL", T0).supersedes(held)
    assert not Balance("a1", Decimal("1.00"), "MDL", T0 - timedelta(days=1)).supersedes(held)
    assert held.supersedes(None)
    assert Balance.zero(ACCOUNT).amount == Decimal("0.00")


def test_clients_authenticate_with_their_exact_secret() -> None:
    registry = ClientRegistry([ApiClient("operator", "operator-secret", "operator")])
    assert registry.authenticate("operator", "operator-secret").role == "operator"
    for client_id, secret in (("operator", "operator-secre"), ("operator", ""),
                              ("nobody", "operator-secret"), ("", "\x00 no client \x00")):
        with pytest.raises(BadCredentials):
            registry.authenticate(client_id, secret)
