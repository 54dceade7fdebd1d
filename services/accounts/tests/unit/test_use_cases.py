"""The accounts use cases against in-memory fakes of their ports."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import jwt
import pytest
from accounts.domain.account import BillDelivery, DeliveryMedium, PaymentMode
from accounts.domain.clients import ApiClient, ClientRegistry
from accounts.domain.customer import CustomerKind, Language
from accounts.domain.errors import BadCredentials, InvalidRequest, MsisdnTaken, UnknownEntity
from accounts.service.accounts import OpenAccount, get_account, open_account
from accounts.service.customers import CreateCustomer, create_customer
from accounts.service.lines import ActivateLine, activate_line, list_lines
from accounts.service.replicas import record_balance, record_plan
from accounts.service.tokens import issue_token
from tarifa.messaging.catalogue import BalanceChanged, PlanPublished
from tarifa.messaging.envelope import PoisonMessage, new_event
from tarifa.tokens import TokenSigner


async def _account(uow: Any, **change: Any) -> str:
    customer = await create_customer(uow, CreateCustomer(
        CustomerKind.PERSON, "Ana", Language.RU, actor="operator:op", email="ana@example.md",
        phone="+37369000001", address="Chișinău"))
    command = OpenAccount(customer.id, PaymentMode.POSTPAID, "MDL", "Europe/Chisinau",
                          BillDelivery(DeliveryMedium.EBILL), actor="operator:op")
    account = await open_account(uow, replace(command, **change))
    return account.id


async def _plan(uow: Any, code: str = "smart", mode: str = "postpaid", currency: str = "MDL") -> None:
    data = PlanPublished(code=code, version=1, payment_mode=mode, monthly_fee=Decimal("100.00"),
                         currency=currency, vat_rate=Decimal("0.20"), effective_from=date(2026, 1, 1))
    await record_plan(uow, "accounts.plan-published",
                      new_event("rating", data.routing_key, data, now=datetime.now(UTC)))


async def test_an_opened_account_is_announced_with_its_customer_and_audited(uow: Any) -> None:
    account_id = await _account(uow)
    [event] = uow.emitted
    assert event.routing_key == "accounts.account.opened" and event.subject == account_id
    assert (event.data["language"], event.data["customer_name"], event.data["phone"]) == (
        "ru", "Ana", "+37369000001")
    assert event.data["bill_delivery"]["email"] == "ana@example.md"
    assert [e.action for e in uow.audit.entries] == ["customer.created", "account.opened"]
    view = await get_account(uow, account_id)
    assert (view.balance.amount, view.balance.currency) == (Decimal("0.00"), "MDL")


@pytest.mark.parametrize("change", [{"customer_id": "nobody"}, {"currency": "LEI!"},
                                    {"timezone": "Europe/Atlantis"}])
async def test_a_refused_account_changes_nothing(uow: Any, change: dict[str, Any]) -> None:
    with pytest.raises(InvalidRequest):
        await _account(uow, **change)
    assert uow.accounts.rows == {} and uow.emitted == []
    assert [e.action for e in uow.audit.entries] == ["customer.created"]


async def test_a_line_is_activated_once_per_number(uow: Any) -> None:
    account_id = await _account(uow)
    await _plan(uow)
    line = await activate_line(uow, ActivateLine(account_id, "+37369111111", "smart", "operator:op"))
    assert (line.msisdn, line.connected_at) == ("37369111111", uow.clock.now())
    assert uow.emitted[-1].routing_key == "accounts.line.activated"
    with pytest.raises(MsisdnTaken):
        await activate_line(uow, ActivateLine(account_id, "37369111111", "smart", "operator:op"))
    assert await list_lines(uow, account_id) == [line]


async def test_a_line_needs_a_known_fitting_plan_and_a_known_account(uow: Any) -> None:
    account_id = await _account(uow)
    await _plan(uow, "prepaid-only", mode="prepaid")
    await _plan(uow, "in-euro", currency="EUR")
    for code in ("unknown", "prepaid-only", "in-euro"):
        with pytest.raises(InvalidRequest):
            await activate_line(uow, ActivateLine(account_id, "37369111111", code, "operator:op"))
    with pytest.raises(UnknownEntity):
        await activate_line(uow, ActivateLine("nobody", "37369111111", "smart", "operator:op"))
    assert uow.lines.rows == []


async def test_the_balance_replica_ignores_redeliveries_and_older_events(uow: Any) -> None:
    account_id = await _account(uow)
    now = datetime.now(UTC)

    def changed(balance: str, at: datetime) -> Any:
        data = BalanceChanged(account_id=account_id, balance=Decimal(balance), currency="MDL",
                              cause="payment")
        return new_event("invoicing", data.routing_key, data, now=at, subject=account_id)

    first = changed("-20.00", now)
    for event in (first, first, changed("7.00", now - timedelta(minutes=1))):
        await record_balance(uow, "accounts.balance-changed", event)
    assert (await get_account(uow, account_id)).balance.amount == Decimal("-20.00")
    await record_balance(uow, "accounts.balance-changed", changed("3.00", now + timedelta(seconds=1)))
    assert (await get_account(uow, account_id)).balance.amount == Decimal("3.00")
    assert [e.action for e in uow.audit.entries].count("balance.replicated") == 2


def test_a_token_carries_the_client_role(token_signer: TokenSigner) -> None:
    registry = ClientRegistry([ApiClient("partner", "partner-secret", "partner")])
    issued = issue_token(registry, token_signer, "partner", "partner-secret")
    claims = jwt.decode(issued.access_token, token_signer.key.public_key(), algorithms=["EdDSA"],
                        audience="tarifa", issuer="tarifa-accounts")
    assert (claims["sub"], claims["role"], issued.expires_in) == ("partner", "partner", 3600)
    with pytest.raises(BadCredentials):
        issue_token(registry, token_signer, "partner", "operator-secret")


async def test_replica_events_with_impossible_data_are_poison(uow: Any) -> None:
    data = BalanceChanged(account_id="a1", balance=Decimal("1.00"), currency="lei", cause="x")
    event = new_event("invoicing", data.routing_key, data, now=datetime.now(UTC))
    naive = event.model_copy(update={"time": datetime(2026, 5, 1),
                                     "data": event.data | {"currency": "MDL"}})
    for bad in (event, naive):
        with pytest.raises(PoisonMessage):
            await record_balance(uow, "accounts.balance-changed", bad)
    assert uow.balances.rows == {} and uow.handled == set()
