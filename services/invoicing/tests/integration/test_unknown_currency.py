"""An account or a charge in a code that is no ISO 4217 currency (``ZZZ``, from an older accounts
or rating version) is dead-lettered with its reason: the ledger never holds money it cannot
round, and the account's balance and ledger answer 404, never a server error. An account stored
in such a code before the check answers 409 problem+json."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime

import httpx
from invoicing.settings import InvoicingSettings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from tarifa.messaging.catalogue import AccountOpened, EventData, LineActivated
from tarifa.messaging.dead_letters import dead_letter_depths
from tarifa.testing.events import publish_event

from .world import EBILL, is_problem, item, new_msisdn, operator, usage

OPENED = "invoicing.account-opened"


async def _depth(settings: InvoicingSettings, queue: str) -> int:
    return (await dead_letter_depths(settings.amqp_url, [queue]))[queue]


async def _refused(settings: InvoicingSettings, queue: str, event: EventData) -> None:
    """Publish ``event`` and wait until ``queue`` dead-lettered it."""
    before = await _depth(settings, queue)
    await publish_event(settings.amqp_url, event)
    for _ in range(200):
        if await _depth(settings, queue) > before:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{queue} did not dead-letter {event.routing_key}")


async def _balance_once_handled(client: httpx.AsyncClient, settings: InvoicingSettings,
                                account_id: str, refused_before: int) -> httpx.Response:
    """The balance once the opening was handled: taken into the replica or dead-lettered."""
    for _ in range(200):
        response = await client.get(f"/v1/accounts/{account_id}/balance", headers=operator())
        if response.status_code != 404 or await _depth(settings, OPENED) > refused_before:
            return response
        await asyncio.sleep(0.1)
    raise AssertionError(f"the opening of {account_id} was never handled")


def _opened(account_id: str, currency: str) -> AccountOpened:
    return AccountOpened(account_id=account_id, customer_id="c1", payment_mode="postpaid",
                         currency=currency, timezone="UTC", language="ro", bill_delivery=EBILL,
                         customer_name="Ion Popescu", address="str. Ștefan cel Mare 1")


async def test_an_account_in_zzz_is_refused_and_its_routes_answer_404(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    account_id, msisdn = str(uuid.uuid4()), new_msisdn()
    before = await _depth(settings, OPENED)
    await publish_event(settings.amqp_url, _opened(account_id, "ZZZ"))
    balance = await _balance_once_handled(client, settings, account_id, before)
    assert is_problem(balance, 404), (balance.status_code, balance.text)
    assert await _depth(settings, OPENED) == before + 1
    await publish_event(settings.amqp_url, LineActivated(
        account_id=account_id, msisdn=msisdn, plan_code="smart",
        connected_at=datetime(2026, 4, 1, tzinfo=UTC)))
    priced = usage(account_id, item(msisdn, "sms", 1, "0.50", "0.10", date(2026, 5, 10)))
    priced.accounts[0].currency = "ZZZ"
    await _refused(settings, "invoicing.usage-rated", priced)
    for route in ("balance", "ledger"):
        response = await client.get(f"/v1/accounts/{account_id}/{route}", headers=operator())
        assert is_problem(response, 404), (route, response.status_code, response.text)


async def _stored_in_zzz(settings: InvoicingSettings, client: httpx.AsyncClient) -> str:
    """An account taken into the replica, then put in ``ZZZ`` as an older version could have."""
    account_id = str(uuid.uuid4())
    await publish_event(settings.amqp_url, _opened(account_id, "MDL"))
    for _ in range(200):
        response = await client.get(f"/v1/accounts/{account_id}/balance", headers=operator())
        if response.status_code == 200:
            break
        await asyncio.sleep(0.1)
    engine = create_async_engine(settings.dsn)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE accounts SET currency = 'ZZZ' WHERE account_id = :id"),
                               {"id": account_id})
    finally:
        await engine.dispose()
    return account_id


async def test_an_account_stored_in_zzz_before_the_check_answers_a_problem_not_a_failure(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    account_id = await _stored_in_zzz(settings, client)
    response = await client.get(f"/v1/accounts/{account_id}/balance", headers=operator())
    assert is_problem(response, 409), (response.status_code, response.text)
    assert response.json()["type"].endswith("/stored-amount-unusable")
    assert "ZZZ" in response.json()["detail"]
