"""Customer details announced by accounts reach the next statement's header through the
replica's consumer; an announcement arriving after a newer one changes nothing."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import httpx
from invoicing.settings import InvoicingSettings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from tarifa.messaging.catalogue import AccountUpdated
from tarifa.messaging.envelope import CloudEvent, new_event
from tarifa.testing.events import publish_raw

from ..conftest import StubRenderer
from .world import april_and_may, invoices_of, run_billing, set_clock


def _profile(account_id: str, **fields: Any) -> AccountUpdated:
    return AccountUpdated(account_id=account_id, **({
        "customer_name": "Ion Popescu", "customer_kind": "person", "email": "ion@example.md",
        "phone": "+37369000001", "address": "str. Ștefan cel Mare 1, Chișinău",
        "language": "ro"} | fields))


async def _publish(settings: InvoicingSettings, data: AccountUpdated, at: datetime) -> CloudEvent:
    event = new_event("test", data.routing_key, data, now=at, subject=data.account_id)
    await publish_raw(settings.amqp_url, data.routing_key, event.model_dump_json().encode(),
                      event.id)
    return event


async def _replica(settings: InvoicingSettings, account_id: str, event_ids: list[str]
                   ) -> dict[str, Any]:
    """The replica's row once every event of ``event_ids`` was handled."""
    engine = create_async_engine(settings.dsn)
    try:
        for _ in range(150):
            async with engine.connect() as conn:
                handled = await conn.scalar(text(
                    "SELECT count(*) FROM inbox WHERE consumer = 'invoicing.account-updated' "
                    "AND event_id = ANY(:ids)"), {"ids": event_ids})
                row = (await conn.execute(text("SELECT * FROM accounts WHERE account_id = :id"),
                                          {"id": account_id})).mappings().first()
            if handled == len(event_ids):
                return dict(row or {})
            await asyncio.sleep(0.1)
        raise AssertionError(f"the updates of {account_id} were not all handled")
    finally:
        await engine.dispose()


async def test_new_customer_details_head_the_next_statement_and_late_ones_are_dropped(
    client: httpx.AsyncClient, settings: InvoicingSettings, renderer: StubRenderer,
) -> None:
    await set_clock(client, "2026-06-01T06:00:00+00:00")
    account_id, _ = await april_and_may(settings, client)
    now = datetime.now().astimezone()
    newer = await _publish(settings, _profile(
        account_id, customer_name="Popescu SRL", customer_kind="business",
        address="bd. Dacia 10, Chișinău", language="ru",
        bill_delivery={"medium": "paper", "address": "bd. Dacia 10, Chișinău"}), now)
    older = await _publish(settings, _profile(
        account_id, customer_name="Ion Popescu-Rusu", address="str. Veche 2", language="en",
        bill_delivery={"medium": "ebill", "email": "old@example.md"}),
        now - timedelta(minutes=5))
    delivery = await _publish(settings, AccountUpdated(account_id=account_id, bill_delivery={
        "medium": "paper", "address": "Casuța poștală 7"}), now + timedelta(minutes=1))
    row = await _replica(settings, account_id, [newer.id, older.id, delivery.id])
    assert (row["customer_name"], row["address"], row["language"]) == (
        "Popescu SRL", "bd. Dacia 10, Chișinău", "ru")
    assert (row["delivery_medium"], row["delivery_address"]) == ("paper", "Casuța poștală 7")
    await run_billing(client, "2026-05-31")
    [invoice] = await invoices_of(client, account_id)
    [statement] = [s for s in renderer.statements if s.invoice_id == invoice["id"]]
    assert (statement.customer_name, statement.customer_address, statement.language) == (
        "Popescu SRL", "bd. Dacia 10, Chișinău", "ru")
    assert (statement.delivery_medium, statement.delivery_address) == ("paper",
                                                                       "Casuța poștală 7")
