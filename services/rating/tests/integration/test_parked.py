"""Records of lines rating does not know yet are parked, rated once the line is known, swept
and rejected as ``unknown_line`` after the policy's age (SPEC R3)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from rating.adapters.tables import allowance_buckets, parked_usage, usage_records
from rating.adapters.uow import RatingUnitOfWork
from rating.domain.policy import RatingPolicy
from rating.service.parked import sweep_parked
from rating.settings import RatingSettings
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import create_async_engine
from tarifa.clock import ControllableClock
from tarifa.db import create_engine, sessionmaker_for
from tarifa.messaging.catalogue import AccountOpened, LineActivated
from tarifa.testing.apps import bearer
from tarifa.testing.events import publish_event, tap_events
from tarifa.tokens import TokenSigner

from .seed import PLAN, handled, new_msisdn, open_line, post_usage, put_plan, record

ONE_SMS = [{"type": "sms", "direction": "out", "zone": "*", "quantity": 1}]
TEN_SMS = [{"type": "sms", "direction": "out", "zone": "*", "quantity": 10}]


async def _scalar(settings: RatingSettings, statement: Any) -> Any:
    engine = create_async_engine(settings.dsn)
    try:
        async with engine.connect() as conn:
            return await conn.scalar(statement)
    finally:
        await engine.dispose()


async def _parked(settings: RatingSettings) -> int:
    return int(await _scalar(settings, select(func.count()).select_from(parked_usage)))


async def _park_directly(settings: RatingSettings, records: list[dict[str, Any]]) -> None:
    """Park records as a batch does that ran while the line event was being handled."""
    rows = [{"record_id": r["id"], "msisdn": r["msisdn"], "batch_id": "raced", "source": "http",
             "position": i, "record": r, "parked_at": datetime(2026, 5, 14, 12, tzinfo=UTC)}
            for i, r in enumerate(records)]
    engine = create_async_engine(settings.dsn)
    try:
        async with engine.begin() as conn:
            await conn.execute(insert(parked_usage), rows)
    finally:
        await engine.dispose()


async def _line_arrives(settings: RatingSettings, msisdn: str, event_id: str | None = None) -> str:
    account_id = str(uuid.uuid4())
    await publish_event(settings.amqp_url, AccountOpened(
        account_id=account_id, customer_id="c1", payment_mode="postpaid", currency="MDL",
        timezone="UTC", language="ro", bill_delivery={"medium": "ebill"}))
    line = LineActivated(account_id=account_id, msisdn=msisdn, plan_code="parked",
                         connected_at=datetime(2026, 1, 1, tzinfo=UTC))
    await handled(settings, await publish_event(settings.amqp_url, line, event_id=event_id))
    return account_id


async def _usage(client: httpx.AsyncClient, signer: TokenSigner, msisdn: str) -> list[dict[str, Any]]:
    response = await client.get(f"/v1/lines/{msisdn}/usage", params={"limit": 1000},
                                headers=bearer(signer))
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_records_of_an_unknown_line_are_parked_and_rated_in_usage_order_when_it_arrives(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "parked", PLAN | {"allowances": ONE_SMS})
    msisdn = new_msisdn()
    batch = [record(msisdn, "p1-later", type="sms", quantity=1, started_at="2026-05-06T10:00:00Z"),
             record(msisdn, "p2-earlier", type="sms", quantity=1, started_at="2026-05-05T10:00:00Z"),
             record(msisdn, "p-voice")]
    async with tap_events(settings.amqp_url, ["rating.usage.batch_processed"]) as tap:
        first = (await post_usage(client, token_signer, batch)).json()
        [event] = await tap.wait_for("rating.usage.batch_processed")
    again = (await post_usage(client, token_signer, batch)).json()
    assert first == {"accepted": 0, "duplicates": 0, "rejected": [], "parked": 3}
    assert (event.data["parked"], event.data["accepted"], event.data["rejected"]) == (3, 0, 0)
    assert (again["duplicates"], again["parked"]) == (3, 0)
    assert await _parked(settings) == 3
    async with tap_events(settings.amqp_url, ["rating.usage.rated"]) as tap:
        account_id = await _line_arrives(settings, msisdn, event_id=f"line-{msisdn}")
        [rated] = await tap.wait_for("rating.usage.rated", subject=account_id)
    assert Decimal(rated.data["accounts"][0]["totals"]["net"]) == Decimal("0.51")
    usage = {r["id"]: r for r in await _usage(client, token_signer, msisdn)}
    assert [(usage[i]["allowance_used"], Decimal(usage[i]["net"]))
            for i in ("p2-earlier", "p1-later")] == [(1, Decimal(0)), (0, Decimal("0.50"))]
    assert set(usage) == {"p1-later", "p2-earlier", "p-voice"} and await _parked(settings) == 0
    await publish_event(settings.amqp_url, LineActivated(  # redelivered: no effect
        account_id=account_id, msisdn=msisdn, plan_code="parked",
        connected_at=datetime(2026, 1, 1, tzinfo=UTC)), event_id=f"line-{msisdn}")
    await asyncio.sleep(0.5)
    assert len(await _usage(client, token_signer, msisdn)) == 3
    assert await _scalar(settings, select(allowance_buckets.c.used)
                         .where(allowance_buckets.c.msisdn == msisdn)) == 1


async def test_the_sweep_rates_records_parked_while_their_line_arrived(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "parked", PLAN | {"allowances": []})
    _, msisdn = await open_line(settings, client, token_signer, "parked")
    await _park_directly(settings, [record(msisdn, "raced-1", type="sms", quantity=1)])
    moved = await client.put("/v1/test/clock?wait=true", json={"now": "2026-05-14T12:05:00+00:00"})
    assert moved.status_code == 200
    assert [r["id"] for r in await _usage(client, token_signer, msisdn)] == ["raced-1"]
    assert await _parked(settings) == 0


async def test_records_parked_longer_than_the_policy_age_are_rejected_as_unknown_line(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "parked", PLAN | {"allowances": []})
    msisdn = new_msisdn()
    await post_usage(client, token_signer, [record(msisdn, "old-1", type="sms", quantity=1)])
    await client.put("/v1/test/clock?wait=true", json={"now": "2026-05-16T12:00:00+00:00"})
    await post_usage(client, token_signer, [record(msisdn, "young-1", type="sms", quantity=1)])
    await client.put("/v1/test/clock?wait=true", json={"now": "2026-05-17T12:00:01+00:00"})
    assert await _parked(settings) == 1
    response = await client.get("/v1/usage/rejections", params={"reason": "unknown_line"},
                                headers=bearer(token_signer))
    [kept] = response.json()["items"]
    assert (kept["record_id"], kept["source"], kept["position"]) == ("old-1", "http", 0)
    assert kept["received_at"].startswith("2026-05-14T12:00")
    assert kept["detail"] == f"unknown msisdn {msisdn}: no line within 72 hours"
    await _line_arrives(settings, msisdn)
    assert [r["id"] for r in await _usage(client, token_signer, msisdn)] == ["young-1"]
    assert await _parked(settings) == 0


def _sweeper(settings: RatingSettings) -> tuple[Any, Any]:
    engine = create_engine(settings.dsn)
    clock = ControllableClock()
    clock.set(datetime(2026, 5, 14, 12, 10, tzinfo=UTC))
    sessions = sessionmaker_for(engine)
    return engine, lambda: RatingUnitOfWork(sessions, service="rating", clock=clock)


async def test_two_rating_processes_sweeping_at_once_rate_each_parked_record_once(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "parked", PLAN | {"allowances": TEN_SMS})
    lines = [(await open_line(settings, client, token_signer, "parked"))[1] for _ in range(3)]
    records = [record(m, f"{m}-{i}", type="sms", quantity=1,
                      started_at=f"2026-05-04T10:{i:02d}:00+00:00") for m in lines for i in range(30)]
    await _park_directly(settings, records)
    (engine_a, uow_a), (engine_b, uow_b) = _sweeper(settings), _sweeper(settings)
    policy = RatingPolicy(late_usage=timedelta(days=14))
    try:
        settled = await asyncio.gather(sweep_parked(uow_a, policy), sweep_parked(uow_b, policy))
    finally:
        await engine_a.dispose()
        await engine_b.dispose()
    assert sum(settled) == 90 and await _parked(settings) == 0
    assert await _scalar(settings, select(func.count()).select_from(usage_records)) == 90
    used = select(func.sum(usage_records.c.allowance_used))
    assert await _scalar(settings, used) == 30
    for msisdn in lines:
        rated = await _usage(client, token_signer, msisdn)
        assert [r["allowance_used"] for r in rated] == [1] * 10 + [0] * 20


async def test_concurrent_batches_parking_the_same_records_park_each_once(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    msisdn = new_msisdn()
    shared = [record(msisdn, f"shared-{i}", type="sms", quantity=1) for i in range(20)]
    batches = [[record(msisdn, f"own-{b}", type="sms", quantity=1), *shared[::1 - 2 * (b % 2)]]
               for b in range(4)]
    reports = await asyncio.gather(*(post_usage(client, token_signer, b) for b in batches))
    assert [r.status_code for r in reports] == [200] * 4
    bodies = [r.json() for r in reports]
    assert sum(b["parked"] for b in bodies) == 24 and sum(b["duplicates"] for b in bodies) == 60
    assert await _parked(settings) == 24
