"""Batches for the same line rated at the same time never double-spend or double-charge."""

from __future__ import annotations

import asyncio

import httpx
from rating.settings import RatingSettings
from tarifa.testing.apps import bearer
from tarifa.tokens import TokenSigner

from .seed import PLAN, open_line, post_usage, put_plan, record


async def test_concurrent_batches_share_one_allowance_and_one_copy_of_each_record(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    allowances = [{"type": "sms", "direction": "out", "zone": "*", "quantity": 10}]
    await put_plan(client, token_signer, "race", PLAN | {"allowances": allowances})
    _, msisdn = await open_line(settings, client, token_signer, "race")
    batches = [[record(msisdn, f"b{b}-{i}", type="sms", quantity=1) for i in range(8)]
               + [record(msisdn, "shared", type="sms", quantity=1)] for b in range(4)]
    reports = await asyncio.gather(*(post_usage(client, token_signer, batch) for batch in batches))
    bodies = [r.json() for r in reports]
    assert sum(b["accepted"] for b in bodies) == 33
    assert sum(b["duplicates"] for b in bodies) == 3
    usage = await client.get(f"/v1/lines/{msisdn}/usage", params={"limit": 1000},
                             headers=bearer(token_signer))
    rated = usage.json()["items"]
    assert len(rated) == 33
    assert sum(r["allowance_used"] for r in rated) == 10
    assert sum(r["net"] == "0.50" for r in rated) == 23
