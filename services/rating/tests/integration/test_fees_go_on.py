"""A line the fee job cannot charge is logged, counted and retried; the other lines get their fees."""

from __future__ import annotations

import httpx
from rating.settings import RatingSettings
from tarifa.scheduling import ITEM_FAILURES
from tarifa.testing.apps import bearer
from tarifa.tokens import TokenSigner

from .seed import PLAN, open_line, put_plan


def _failures() -> float:
    return float(ITEM_FAILURES.labels("rating-fees")._value.get())


async def _fees(client: httpx.AsyncClient, secret: str, msisdn: str) -> list[str]:
    response = await client.get(f"/v1/lines/{msisdn}/fees", headers=bearer(secret))
    assert response.status_code == 200, response.text
    return [fee["period_date"] for fee in response.json()["items"]]


async def test_a_line_connected_in_year_1_does_not_stop_the_fees_of_the_others(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "go-on", PLAN | {"allowances": []})
    _, before = await open_line(settings, client, token_signer, "go-on",
                                connected_at="2026-04-01T00:00:00+00:00")
    _, bad = await open_line(settings, client, token_signer, "go-on",
                             connected_at="0001-01-01T00:00:00+00:00")
    _, after = await open_line(settings, client, token_signer, "go-on",
                               connected_at="2026-04-01T00:00:00+00:00")
    failed = _failures()
    moved = await client.put("/v1/test/clock?wait=true", json={"now": "2026-06-01T01:00:00+00:00"})
    assert moved.status_code == 200, moved.text
    assert _failures() >= failed + 1
    for msisdn in (before, after):
        assert await _fees(client, token_signer, msisdn) == ["2026-04-01", "2026-05-01", "2026-06-01"]
    assert await _fees(client, token_signer, bad) == []
    retried = _failures()
    moved = await client.put("/v1/test/clock?wait=true", json={"now": "2026-06-02T01:00:00+00:00"})
    assert moved.status_code == 200, moved.text
    assert _failures() >= retried + 1, "the bad line stays due and is tried again"
    metrics = (await client.get("/metrics")).text
    assert 'tarifa_scheduled_item_failures_total{job="rating-fees"}' in metrics
