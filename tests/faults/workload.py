"""The work the fault suite puts through the services, and the oracle it is checked against.

A postpaid plan with round prices (SMS 0.50, voice 0.60 a minute in whole minutes, data 0.10 a
MiB in whole MiB, VAT 20 % on top) keeps every rated amount a whole number of cents, so each
account's balance must equal ``-(net × 1.2)`` of its records exactly, whatever the order and
the batching of the work.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import aio_pika
import httpx

from ..e2e.processes import Suite

__all__ = ["INGEST_QUEUE", "PLAN", "PLAN_CODE", "Workload", "eventually", "operator", "publish"]

INGEST_QUEUE = "rating.usage.ingest"
PLAN_CODE = "faults"
VAT = Decimal("1.20")
PLAN = {
    "name": "Faults", "payment_mode": "postpaid", "currency": "MDL", "monthly_fee": "0.00",
    "vat_rate": "0.20", "prices_include_vat": False, "effective_from": "2026-01-01",
    "allowances": [],
    "prices": [
        {"type": "voice", "direction": "out", "zone": "national", "unit_price": "0.60",
         "first_increment": 60, "next_increment": 60},
        {"type": "sms", "direction": "out", "zone": "*", "unit_price": "0.50"},
        {"type": "data", "direction": "*", "zone": "*", "unit_price": "0.10", "unit": "MiB"},
    ],
}
MIB = 1_048_576


async def eventually(probe: Callable[[], Awaitable[bool]], timeout: float, what: str) -> None:
    """Poll ``probe`` until it holds; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not await probe():
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached within {timeout:.0f} s: {what}")
        await asyncio.sleep(0.2)


async def operator(http: httpx.AsyncClient, suite: Suite) -> dict[str, str]:
    response = await http.post(
        f"{suite.url('accounts')}/v1/auth/token",
        data={"grant_type": "client_credentials", "client_id": "operator",
              "client_secret": "operator-secret"})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _net(kind: str, quantity: int) -> Decimal:
    if kind == "sms":
        return Decimal("0.50")
    if kind == "voice":
        return Decimal("0.60") * (quantity // 60)
    return Decimal("0.10") * (quantity // MIB)


def _record(tag: str, i: int, msisdn: str, start: datetime) -> dict[str, Any]:
    kind, quantity = [("sms", 1), ("voice", 60 * (1 + i % 7)), ("data", MIB * (1 + i % 5))][i % 3]
    return {"id": f"{tag}-{i:05d}", "msisdn": msisdn, "type": kind, "direction": "out",
            "started_at": (start + timedelta(seconds=i)).isoformat(), "quantity": quantity,
            "other_party": "37322123456"}


@dataclass
class Workload:
    """``records`` CDRs of scenario ``tag`` spread over ``lines`` accounts of one line each.

    Each scenario's lines are numbered ``3736<digit>NNNNNN``, so scenarios never share a line.
    """

    tag: str
    digit: int
    records: int = 10_000
    lines: int = 20
    per_batch: int = 1_000

    def msisdn(self, n: int) -> str:
        return f"3736{self.digit}{n:06d}"

    def cdrs(self) -> list[dict[str, Any]]:
        start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
        return [_record(self.tag, i, self.msisdn(i % self.lines), start) for i in range(self.records)]

    def batches(self) -> list[bytes]:
        cdrs = self.cdrs()
        return [json.dumps({"records": cdrs[i:i + self.per_batch]}).encode()
                for i in range(0, len(cdrs), self.per_batch)]

    def oracle(self) -> dict[str, Decimal]:
        """Each line's balance once every record is rated exactly once."""
        owed: dict[str, Decimal] = {self.msisdn(n): Decimal(0) for n in range(self.lines)}
        for cdr in self.cdrs():
            owed[cdr["msisdn"]] += _net(cdr["type"], cdr["quantity"]) * VAT
        return {msisdn: -amount for msisdn, amount in owed.items()}


async def publish(amqp_url: str, batches: list[bytes]) -> None:
    """Publish usage batches as mediation does: persistent, confirmed, one message id each."""
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        for body in batches:
            await channel.default_exchange.publish(
                aio_pika.Message(body, message_id=str(uuid.uuid4()),
                                 delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
                routing_key=INGEST_QUEUE, mandatory=True)
