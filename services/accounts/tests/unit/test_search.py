"""Finding an account by phone number or account number, against the in-memory fakes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from accounts.domain.account import BillDelivery, DeliveryMedium, PaymentMode
from accounts.domain.customer import CustomerKind, Language
from accounts.service.accounts import OpenAccount, open_account
from accounts.service.customers import CreateCustomer, create_customer
from accounts.service.lines import ActivateLine, activate_line
from accounts.service.replicas import record_plan
from accounts.service.search import find_accounts
from tarifa.messaging.catalogue import PlanPublished
from tarifa.messaging.envelope import new_event


async def _account_with_line(uow: Any, msisdn: str) -> str:
    customer = await create_customer(uow, CreateCustomer(
        CustomerKind.PERSON, "Ana", Language.RO, actor="operator:op", email="ana@example.md"))
    account = await open_account(uow, OpenAccount(
        customer.id, PaymentMode.POSTPAID, "MDL", "Europe/Chisinau",
        BillDelivery(DeliveryMedium.EBILL), actor="operator:op"))
    await activate_line(uow, ActivateLine(account.id, msisdn, "smart", "operator:op"))
    return account.id


async def _plan(uow: Any) -> None:
    data = PlanPublished(code="smart", version=1, payment_mode="postpaid",
                         monthly_fee=Decimal("100.00"), currency="MDL", vat_rate=Decimal("0.20"),
                         effective_from=date(2026, 1, 1))
    await record_plan(uow, "accounts.plan-published",
                      new_event("rating", data.routing_key, data, now=datetime.now(UTC)))


async def test_a_phone_number_finds_the_account_of_its_line_and_a_number_its_account(uow: Any) -> None:
    await _plan(uow)
    first = await _account_with_line(uow, "37369111111")
    second = await _account_with_line(uow, "37369222222")
    ids = [[view.account.id for view in await find_accounts(lambda: uow, query)]
           for query in ("37369111111", "+37369222222", f" {first} ", "37369333333", "nobody")]
    assert ids == [[first], [second], [first], [], []]
