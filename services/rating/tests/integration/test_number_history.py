"""A number closed on one account and given to another, through the running service: a late
record of the earlier owner's time is rated to the earlier owner (their account, plan and
allowance buckets) and listed on their detailed bill only; re-rating the earlier owner's month
re-prices their records alone; a record parked before the new line's connection is never
given to the new line."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from rating.settings import RatingSettings
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine
from tarifa.auth import Role
from tarifa.messaging.catalogue import AccountOpened, LineActivated, LineClosed
from tarifa.messaging.tables import outbox
from tarifa.testing.apps import bearer
from tarifa.testing.events import publish_event, tap_events
from tarifa.tokens import TokenSigner

from .seed import PLAN, handled, new_msisdn, open_line, post_usage, put_plan, record

VOICE = {"type": "voice", "direction": "out", "zone": "national", "first_increment": 60,
         "next_increment": 1}


def _plan(unit_price: str) -> dict[str, Any]:
    return PLAN | {"allowances": [{"type": "voice", "direction": "out", "zone": "national",
                                   "quantity": 120}],
                   "prices": [VOICE | {"unit_price": unit_price}]}


def _call(msisdn: str, key: str, at: str, seconds: int) -> dict[str, Any]:
    return record(msisdn, key, quantity=seconds, started_at=at, zone="national")


async def _clock(client: httpx.AsyncClient, now: str) -> None:
    moved = await client.put("/v1/test/clock?wait=true", json={"now": now})
    assert moved.status_code == 200, moved.text


async def _give(settings: RatingSettings, msisdn: str, plan_code: str, connected_at: str) -> str:
    """Open a new account and activate the number for it; its id."""
    account_id = str(uuid.uuid4())
    await handled(settings, await publish_event(settings.amqp_url, AccountOpened(
        account_id=account_id, customer_id="c2", payment_mode="postpaid", currency="MDL",
        timezone="UTC", language="ro", bill_delivery={"medium": "ebill"})))
    await handled(settings, await publish_event(settings.amqp_url, LineActivated(
        account_id=account_id, msisdn=msisdn, plan_code=plan_code,
        connected_at=datetime.fromisoformat(connected_at))))
    return account_id


async def _close(settings: RatingSettings, account_id: str, msisdn: str, at: str) -> None:
    closed_at = datetime.fromisoformat(at)
    await handled(settings, await publish_event(settings.amqp_url, LineClosed(
        account_id=account_id, msisdn=msisdn, closed_at=closed_at,
        number_free_from=closed_at + timedelta(days=1))))


async def _bill(client: httpx.AsyncClient, secret: TokenSigner, account_id: str) -> dict[str, Any]:
    """The account's detailed bill of November and December: record id to what it was charged."""
    response = await client.get(f"/v1/accounts/{account_id}/usage", headers=bearer(secret),
                                params={"from": "2026-11-01", "to": "2026-12-31"})
    assert response.status_code == 200, response.text
    return {r["id"]: (r["allowance_used"], Decimal(r["net"]), r["plan_version"])
            for r in response.json()["items"]}


async def _listed(client: httpx.AsyncClient, secret: TokenSigner, msisdn: str,
                  account_id: str) -> list[str]:
    """The number's usage as the account's subscriber reads it."""
    own = bearer(secret, Role.SUBSCRIBER, account_id=account_id)
    response = await client.get(f"/v1/lines/{msisdn}/usage", headers=own)
    assert response.status_code == 200, response.text
    return [r["id"] for r in response.json()["items"]]


async def _rerated_in_outbox(settings: RatingSettings, account_id: str) -> int:
    engine = create_async_engine(settings.dsn)
    try:
        async with engine.connect() as conn:
            return int(await conn.scalar(select(func.count()).select_from(outbox).where(
                outbox.c.routing_key == "rating.usage.rerated",
                outbox.c.body["subject"].astext == account_id)) or 0)
    finally:
        await engine.dispose()


async def _reassigned(client: httpx.AsyncClient, settings: RatingSettings,
                      secret: TokenSigner) -> tuple[str, str, str, str]:
    """Account A's line (120 s of voice a month) used 60 s on 20 November and closed on
    28 November; the number given to account B on 1 December. Plan code, number, A, B."""
    code = f"hist-{uuid.uuid4().hex[:8]}"
    assert (await put_plan(client, secret, code, _plan("0.0100"))).status_code == 201
    await _clock(client, "2026-11-21T12:00:00+00:00")
    old, msisdn = await open_line(settings, client, secret, code,
                                  connected_at="2026-11-01T00:00:00+00:00")
    used = await post_usage(client, secret, [_call(msisdn, "a1", "2026-11-20T10:00:00+00:00", 60)])
    assert used.json()["accepted"] == 1, used.text
    await _clock(client, "2026-11-28T13:00:00+00:00")
    await _close(settings, old, msisdn, "2026-11-28T12:00:00+00:00")
    new = await _give(settings, msisdn, code, "2026-12-01T00:00:00+00:00")
    await _clock(client, "2026-12-02T12:00:00+00:00")
    return code, msisdn, old, new


async def test_a_late_record_of_the_earlier_owner_is_rated_and_billed_to_them(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    _code, msisdn, old, new = await _reassigned(client, settings, token_signer)
    async with tap_events(settings.amqp_url, ["rating.usage.rated"]) as tap:
        report = await post_usage(client, token_signer, [
            _call(msisdn, "a-late", "2026-11-27T10:00:00+00:00", 90),
            _call(msisdn, "b1", "2026-12-02T10:00:00+00:00", 90)])
        [rated] = await tap.wait_for("rating.usage.rated", subject=None)
    assert report.json()["accepted"] == 2, report.text
    assert {a["account_id"]: len(a["items"]) for a in rated.data["accounts"]} == {old: 1, new: 1}
    # A's late call takes the 60 s A had left (30 s billed at 0.01/min); B's a fresh 120 s
    assert await _bill(client, token_signer, old) == {
        "a1": (60, Decimal("0"), 1), "a-late": (60, Decimal("0.005"), 1)}
    assert await _bill(client, token_signer, new) == {"b1": (90, Decimal("0"), 1)}
    assert await _listed(client, token_signer, msisdn, old) == ["a1", "a-late"]
    assert await _listed(client, token_signer, msisdn, new) == ["b1"]
    between = await post_usage(client, token_signer, [
        _call(msisdn, "nobody", "2026-11-30T10:00:00+00:00", 60)])
    [refused] = between.json()["rejected"]
    assert "the line was closed at 2026-11-28" in refused["reason"], between.text


async def test_rerating_the_earlier_owners_month_reprices_their_records_alone(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    code, msisdn, old, new = await _reassigned(client, settings, token_signer)
    report = await post_usage(client, token_signer, [
        _call(msisdn, "a-late", "2026-11-27T10:00:00+00:00", 90),
        _call(msisdn, "b1", "2026-12-02T10:00:00+00:00", 180)])
    assert report.json()["accepted"] == 2, report.text
    assert (await put_plan(client, token_signer, code, _plan("0.0200"))).json()["version"] == 2
    body = {"from": "2026-11-01", "to": "2026-11-30", "msisdns": [msisdn]}
    async with tap_events(settings.amqp_url, ["rating.usage.rerated"]) as tap:
        started = await client.post("/v1/rerating-runs", json=body, headers=bearer(token_signer))
        [event] = await tap.wait_for("rating.usage.rerated", account_id=old)
    assert started.status_code == 202, started.text
    run = await client.get(f"/v1/rerating-runs/{started.json()['id']}",
                           headers=bearer(token_signer))
    assert (run.json()["records"], run.json()["changed"]) == (2, 2), run.text
    assert {i["msisdn"] for i in event.data["items"]} == {msisdn}
    assert Decimal(event.data["difference_net"]) == Decimal("0.005")
    assert await _bill(client, token_signer, old) == {
        "a1": (60, Decimal("0"), 2), "a-late": (60, Decimal("0.01"), 2)}
    # B's December call keeps its price of version 1 (60 s over its own 120 s at 0.01/min)
    assert await _bill(client, token_signer, new) == {"b1": (120, Decimal("0.01"), 1)}
    assert await _rerated_in_outbox(settings, new) == 0


async def test_a_record_parked_before_the_new_lines_connection_is_not_given_to_it(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    code = f"hist-{uuid.uuid4().hex[:8]}"
    assert (await put_plan(client, token_signer, code, _plan("0.0100"))).status_code == 201
    await _clock(client, "2026-12-02T12:00:00+00:00")
    msisdn = new_msisdn()
    parked = await post_usage(client, token_signer, [
        _call(msisdn, "before", "2026-11-30T10:00:00+00:00", 60),
        _call(msisdn, "after", "2026-12-01T10:00:00+00:00", 60)])
    assert parked.json()["parked"] == 2, parked.text
    new = await _give(settings, msisdn, code, "2026-12-01T00:00:00+00:00")
    assert await _bill(client, token_signer, new) == {"after": (60, Decimal("0"), 1)}
    assert await _listed(client, token_signer, msisdn, new) == ["after"]
    # the earlier owner's activation, come late, releases the record of its time to it
    old = await _give(settings, msisdn, code, "2026-11-01T00:00:00+00:00")
    assert await _bill(client, token_signer, old) == {"before": (60, Decimal("0"), 1)}
    assert await _bill(client, token_signer, new) == {"after": (60, Decimal("0"), 1)}
    allowances = await client.get(f"/v1/lines/{msisdn}/allowances", headers=bearer(
        token_signer, Role.SUBSCRIBER, account_id=new))
    assert [a["used"] for a in allowances.json()["allowances"]] == [60], allowances.text
