"""Seeding the rating replica and plans the way production does: events and the HTTP API."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from typing import Any

import aio_pika
import httpx
from rating.settings import RatingSettings
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine
from tarifa.auth import Role
from tarifa.messaging.catalogue import AccountOpened, LineActivated
from tarifa.messaging.envelope import CloudEvent
from tarifa.messaging.tables import inbox
from tarifa.testing.apps import bearer
from tarifa.testing.events import publish_event

PLAN: dict[str, Any] = {
    "name": "Smart 100",
    "payment_mode": "postpaid",
    "currency": "MDL",
    "monthly_fee": "100.00",
    "vat_rate": "0.20",
    "prices_include_vat": False,
    "effective_from": "2026-01-01",
    "allowances": [
        {"type": "voice", "direction": "out", "zone": "national", "quantity": 6000},
        {"type": "sms", "direction": "out", "zone": "*", "quantity": 100},
        {"type": "data", "direction": "*", "zone": "*", "quantity": 1073741824},
    ],
    "prices": [
        {"type": "voice", "direction": "out", "zone": "national", "unit_price": "0.0100",
         "first_increment": 60, "next_increment": 1},
        {"type": "voice", "direction": "out", "zone": "international", "unit_price": "0.1000",
         "first_increment": 60, "next_increment": 60},
        {"type": "voice", "direction": "in", "zone": "*", "unit_price": "0"},
        {"type": "sms", "direction": "out", "zone": "*", "unit_price": "0.50"},
        {"type": "data", "direction": "*", "zone": "*", "unit_price": "0.10", "unit": "MiB"},
    ],
}


async def publish_batches(amqp_url: str, *bodies: bytes) -> None:
    """Publish usage batches to ``rating.usage.ingest`` as mediation does: persistent, confirmed."""
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        for body in bodies:
            await channel.default_exchange.publish(
                aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
                routing_key="rating.usage.ingest")


def new_msisdn() -> str:
    return "3736" + str(uuid.uuid4().int)[:7]


async def put_plan(client: httpx.AsyncClient, secret: str, code: str,
                   body: dict[str, Any]) -> httpx.Response:
    return await client.put(f"/v1/plans/{code}", json=body, headers=bearer(secret))


async def open_line(settings: RatingSettings, client: httpx.AsyncClient, secret: str,
                    plan_code: str, *, currency: str = "MDL",
                    connected_at: str = "2026-01-01T00:00:00+00:00",
                    timezone: str = "UTC", payment_mode: str = "postpaid") -> tuple[str, str]:
    """Announce an account and a line; wait until rating knows the line."""
    account_id, msisdn = str(uuid.uuid4()), new_msisdn()
    await publish_event(settings.amqp_url, AccountOpened(
        account_id=account_id, customer_id="c1", payment_mode=payment_mode, currency=currency,
        timezone=timezone, language="ro", bill_delivery={"medium": "ebill"}))
    await publish_event(settings.amqp_url, LineActivated(
        account_id=account_id, msisdn=msisdn, plan_code=plan_code,
        connected_at=datetime.fromisoformat(connected_at)))
    for _ in range(200):
        response = await client.get(f"/v1/lines/{msisdn}/allowances", headers=bearer(secret))
        if response.status_code == 200:
            return account_id, msisdn
        await asyncio.sleep(0.05)
    raise AssertionError(f"line {msisdn} never arrived")


async def post_usage(client: httpx.AsyncClient, secret: str, records: list[dict[str, Any]],
                     role: Role = Role.MEDIATION) -> httpx.Response:
    return await client.post("/v1/usage", json={"records": records}, headers=bearer(secret, role))


def record(msisdn: str, record_id: str | None = None, **fields: Any) -> dict[str, Any]:
    base = {"id": record_id or str(uuid.uuid4()), "msisdn": msisdn, "type": "voice",
            "direction": "out", "started_at": "2026-05-04T10:00:00+00:00", "quantity": 60}
    return base | fields


async def handled(settings: RatingSettings, event: CloudEvent) -> None:
    """Wait until rating's inbox recorded ``event``: its effects are committed."""
    engine = create_async_engine(settings.dsn)
    try:
        for _ in range(200):
            async with engine.connect() as conn:
                found = await conn.scalar(select(inbox.c.event_id).where(inbox.c.event_id == event.id))
            if found:
                return
            await asyncio.sleep(0.05)
    finally:
        await engine.dispose()
    raise AssertionError(f"{event.type} {event.id} was never handled")
