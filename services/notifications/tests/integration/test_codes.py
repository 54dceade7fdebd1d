"""One-time codes from the ``notifications.otp`` queue: sent by SMS at once, kept nowhere.

Real RabbitMQ, PostgreSQL and the SMSC simulator as a TCP server; the process output is
captured to show that no log line carries the code.
"""

from __future__ import annotations

import asyncio
import json
import random
import string
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import aio_pika
import httpx
import pytest
from notifications.adapters.smsc_simulator import ReceivedSms, SmscSimulator
from notifications.bootstrap import MIGRATIONS, build_app
from notifications.settings import NotificationsSettings
from tarifa.db import prepare_database
from tarifa.messaging.topology import quorum_queue
from tarifa.testing.apps import bearer, running_client
from tarifa.tokens import TokenSigner

OTP_QUEUE = "notifications.otp"


def _code() -> str:
    """A code no timestamp or identifier in a log line could contain by chance."""
    return "QZ" + "".join(random.choices(string.digits, k=6))


def _number() -> str:
    return "+3736" + str(uuid.uuid4().int)[:7]


async def _publish_code(settings: NotificationsSettings, msisdn: str, code: str, *,
                        expires_at: datetime | None = None, language: str = "ro",
                        expiration: timedelta | None = None) -> str:
    """Put a code on the queue as accounts does: default exchange, persistent, a message id."""
    body = {"msisdn": msisdn, "code": code, "language": language,
            "expires_at": (expires_at or datetime.now(UTC) + timedelta(minutes=15)).isoformat()}
    message_id = str(uuid.uuid4())
    connection = await aio_pika.connect(settings.amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        await channel.default_exchange.publish(aio_pika.Message(
            json.dumps(body).encode(), message_id=message_id, content_type="application/json",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT, expiration=expiration),
            routing_key=OTP_QUEUE)
    return message_id


async def _code_rows(client: httpx.AsyncClient, secret: str, count: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for _ in range(300):
        response = await client.get("/v1/notifications", params={"event": OTP_QUEUE},
                                    headers=bearer(secret))
        assert response.status_code == 200, response.text
        rows = response.json()
        if len(rows) >= count and all(row["status"] != "pending" for row in rows):
            return rows
        await asyncio.sleep(0.1)
    raise AssertionError(f"code deliveries never got there: {rows}")


async def _received(smsc: SmscSimulator, number: str) -> ReceivedSms:
    for _ in range(300):
        if smsc.to(number):
            return smsc.to(number)[0]
        await asyncio.sleep(0.1)
    raise AssertionError(f"no SMS to {number}")


async def test_a_code_is_sent_at_once_and_kept_nowhere(
    client: httpx.AsyncClient, settings: NotificationsSettings, token_signer: TokenSigner,
    smsc: SmscSimulator, capfd: pytest.CaptureFixture[str],
) -> None:
    await smsc.start()
    number, code = _number(), _code()
    message_id = await _publish_code(settings, number, code)
    sms = await _received(smsc, number)
    [row] = await _code_rows(client, token_signer, 1)
    response = await client.get("/v1/notifications", params={"event": OTP_QUEUE},
                                headers=bearer(token_signer))
    output = capfd.readouterr()
    assert sms.text.startswith(f"Codul dumneavoastră de acces: {code}.") and sms.data_coding == 8
    assert row["event_id"] == message_id and row["recipient"] == number
    assert row["status"] in ("sent", "delivered") and row["account_id"] is None
    assert code not in response.text
    assert code not in output.out and code not in output.err
    assert "otp_handled" in output.out


async def test_a_redelivered_code_message_is_sent_once(
    client: httpx.AsyncClient, settings: NotificationsSettings, token_signer: TokenSigner,
    smsc: SmscSimulator,
) -> None:
    await smsc.start()
    first, second, code = _number(), _number(), _code()
    body_id = await _publish_code(settings, first, code, language="en")
    await _received(smsc, first)
    connection = await aio_pika.connect(settings.amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        await channel.default_exchange.publish(aio_pika.Message(json.dumps({
            "msisdn": first, "code": code, "language": "en",
            "expires_at": (datetime.now(UTC) + timedelta(minutes=10)).isoformat()}).encode(),
            message_id=body_id), routing_key=OTP_QUEUE)
    await _publish_code(settings, second, _code(), language="en")
    await _received(smsc, second)
    rows = await _code_rows(client, token_signer, 2)
    assert len(smsc.to(first)) == 1 and len(rows) == 2
    assert smsc.to(first)[0].data_coding == 0


async def test_an_expired_code_is_never_sent(
    client: httpx.AsyncClient, settings: NotificationsSettings, token_signer: TokenSigner,
    smsc: SmscSimulator,
) -> None:
    await smsc.start()
    late, fresh = _number(), _number()
    await _publish_code(settings, late, _code(),
                        expires_at=datetime.now(UTC) - timedelta(seconds=1))
    await _publish_code(settings, fresh, _code())
    await _received(smsc, fresh)
    rows = await _code_rows(client, token_signer, 2)
    [expired] = [row for row in rows if row["recipient"] == late]
    assert smsc.to(late) == []
    assert expired["status"] == "failed"
    assert expired["last_error"] == "the code expired before it could be sent"


async def test_a_code_past_the_queue_ttl_is_dropped_by_the_broker(
    settings: NotificationsSettings, token_signer: TokenSigner, smsc: SmscSimulator,
) -> None:
    await smsc.start()
    await prepare_database(MIGRATIONS, settings.dsn)
    connection = await aio_pika.connect(settings.amqp_url)
    async with connection:
        queue = quorum_queue(OTP_QUEUE, ttl_ms=900_000)
        channel = await connection.channel()
        await channel.declare_queue(OTP_QUEUE, durable=True, arguments=dict(queue.arguments or {}))
    stale, fresh = _number(), _number()
    await _publish_code(settings, stale, _code(), expiration=timedelta(milliseconds=50))
    await asyncio.sleep(0.5)  # the message outlives its time to live before anyone consumes
    async with running_client(build_app(settings)) as client:
        await _publish_code(settings, fresh, _code())
        await _received(smsc, fresh)
        rows = await _code_rows(client, token_signer, 1)
    assert smsc.to(stale) == [] and [row["recipient"] for row in rows] == [fresh]
