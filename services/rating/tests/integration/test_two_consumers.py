"""Two rating processes on one database competing for ``rating.usage.ingest``: each record is
rated once and no allowance is spent twice, whichever copy takes which batch."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from rating.bootstrap import build_app
from rating.settings import RatingSettings
from tarifa.testing.apps import bearer, running_client
from tarifa.tokens import TokenSigner

from ..conftest import TODAY
from .seed import PLAN, open_line, publish_batches, put_plan, record

BATCHES = 24


def _batches(lines: list[str]) -> list[bytes]:
    """Each batch: four SMS per line, plus one record every batch repeats."""
    return [json.dumps({"records": [
        record(msisdn, f"{msisdn}-{b}-{i}", type="sms", quantity=1,
               started_at=f"2026-05-04T10:{b:02d}:{i:02d}+00:00")
        for msisdn in lines for i in range(4)] + [record(lines[0], "repeated", type="sms", quantity=1)]
    }).encode() for b in range(BATCHES)]


async def _rated(client: httpx.AsyncClient, signer: TokenSigner, msisdn: str,
                 wanted: int) -> list[dict[str, Any]]:
    for _ in range(400):
        response = await client.get(f"/v1/lines/{msisdn}/usage", params={"limit": 1000},
                                    headers=bearer(signer))
        items: list[dict[str, Any]] = response.json()["items"]
        if len(items) >= wanted:
            return items
        await asyncio.sleep(0.05)
    raise AssertionError(f"{msisdn}: {len(items)} of {wanted} records rated: {response.text[:300]}")


async def test_two_consumers_rate_each_record_once_and_share_each_allowance(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    allowances = [{"type": "sms", "direction": "out", "zone": "*", "quantity": 10}]
    await put_plan(client, token_signer, "pair", PLAN | {"allowances": allowances})
    lines = [(await open_line(settings, client, token_signer, "pair"))[1] for _ in range(2)]
    async with running_client(build_app(settings)) as other:
        await other.put("/v1/test/clock?wait=true", json={"now": TODAY})  # each process has its own clock
        await publish_batches(settings.amqp_url, *_batches(lines))
        await _rated(client, token_signer, lines[0], BATCHES * 4 + 1)
        await _rated(client, token_signer, lines[1], BATCHES * 4)
    await asyncio.sleep(0.5)  # anything rated twice would have arrived by now
    for rated, count in ((await _rated(client, token_signer, lines[0], 0), BATCHES * 4 + 1),
                         (await _rated(client, token_signer, lines[1], 0), BATCHES * 4)):
        assert len(rated) == len({r["id"] for r in rated}) == count
        assert sum(r["allowance_used"] for r in rated) == 10
        assert sum(r["net"] == "0.50" for r in rated) == count - 10
