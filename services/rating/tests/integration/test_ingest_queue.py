"""Usage batches from mediation on the AMQP queue ``rating.usage.ingest``."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from typing import Any

import aio_pika
import httpx
from rating.settings import RatingSettings
from tarifa.testing.apps import bearer
from tarifa.testing.events import tap_events
from tarifa.tokens import TokenSigner

from .seed import PLAN, open_line, publish_batches, put_plan, record

QUEUE = "rating.usage.ingest"


def _batch(records: list[dict[str, Any]]) -> bytes:
    return json.dumps({"records": records}).encode()


async def _rated_ids(client: httpx.AsyncClient, secret: str, msisdn: str, wanted: str) -> list[str]:
    for _ in range(200):
        response = await client.get(f"/v1/lines/{msisdn}/usage", headers=bearer(secret))
        ids = [r["id"] for r in response.json()["items"]]
        if wanted in ids:
            return ids
        await asyncio.sleep(0.05)
    raise AssertionError(f"{wanted} was never rated")


async def _dead_letter(amqp_url: str) -> aio_pika.abc.AbstractIncomingMessage:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.get_queue(f"{QUEUE}.dlq")
        for _ in range(100):
            message = await queue.get(fail=False, no_ack=True)
            if message is not None:
                return message
            await asyncio.sleep(0.1)
    raise AssertionError("nothing was dead-lettered")


async def test_batches_from_the_queue_are_rated_once_and_announced(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "queue", PLAN | {"allowances": []})
    account_id, msisdn = await open_line(settings, client, token_signer, "queue")
    first = _batch([record(msisdn, "q1", quantity=90), record(msisdn, "q2", type="sms", quantity=1)])
    second = _batch([record(msisdn, "q3", type="sms", quantity=1), record(msisdn, "q1", quantity=90)])
    async with tap_events(settings.amqp_url, ["rating.usage.rated"]) as tap:
        await publish_batches(settings.amqp_url, first, first, second)
        ids = await _rated_ids(client, token_signer, msisdn, "q3")
        events = await tap.wait_for("rating.usage.rated", count=2, subject=account_id)
    assert sorted(ids) == ["q1", "q2", "q3"]
    totals = [e.data["accounts"][0]["totals"] for e in events]
    assert [Decimal(t["net"]) for t in totals] == [Decimal("0.515"), Decimal("0.50")]
    assert [Decimal(t["gross"]) for t in totals] == [Decimal("0.618"), Decimal("0.60")]
    assert len({e.data["batch_id"] for e in events}) == 2


async def test_a_body_that_is_no_batch_is_dead_lettered(
    client: httpx.AsyncClient, settings: RatingSettings
) -> None:
    await publish_batches(settings.amqp_url, b"this is not json")
    message = await _dead_letter(settings.amqp_url)
    assert message.body == b"this is not json"
