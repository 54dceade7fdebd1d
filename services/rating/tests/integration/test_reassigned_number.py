"""A number given to a new line in the month its old line closed, through the running service:
the new line has its plan's whole allowance, pays its own prorated fee for the month and holds
none of the old line's packages; the old line's figures stay as they were."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
from rating.adapters.tables import allowance_buckets, fee_charges
from rating.settings import RatingSettings
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine
from tarifa.auth import Role
from tarifa.messaging.catalogue import AccountOpened, LineActivated, LineClosed
from tarifa.testing.apps import bearer
from tarifa.testing.events import publish_event
from tarifa.tokens import TokenSigner

from .seed import PLAN, handled, open_line, post_usage, put_plan, record

TV: dict[str, Any] = {"name": "TV Plus", "payment_mode": "postpaid", "currency": "MDL",
                      "monthly_fee": "30.00", "vat_rate": "0.20", "prices_include_vat": False,
                      "allowances": []}


async def _clock(client: httpx.AsyncClient, now: str) -> None:
    moved = await client.put("/v1/test/clock?wait=true", json={"now": now})
    assert moved.status_code == 200, moved.text


async def _figures(settings: RatingSettings, msisdn: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every stored fee charge and allowance bucket of the number, whoever's."""
    engine = create_async_engine(settings.dsn)
    try:
        async with engine.connect() as conn:
            fees = (await conn.execute(select(
                fee_charges.c.account_id, fee_charges.c.kind, fee_charges.c.period_date,
                fee_charges.c.net).where(fee_charges.c.msisdn == msisdn)
                .order_by(fee_charges.c.connected_at, fee_charges.c.period_date,
                          fee_charges.c.kind))).all()
            buckets = (await conn.execute(select(
                allowance_buckets.c.connected_at, allowance_buckets.c.period,
                allowance_buckets.c.allowance, allowance_buckets.c.used)
                .where(allowance_buckets.c.msisdn == msisdn)
                .order_by(allowance_buckets.c.connected_at, allowance_buckets.c.allowance))).all()
    finally:
        await engine.dispose()
    return {"fees": [tuple(r) for r in fees], "buckets": [tuple(r) for r in buckets]}


async def _close(settings: RatingSettings, account_id: str, msisdn: str, at: str) -> None:
    closed_at = datetime.fromisoformat(at)
    await handled(settings, await publish_event(settings.amqp_url, LineClosed(
        account_id=account_id, msisdn=msisdn, closed_at=closed_at,
        number_free_from=closed_at + timedelta(days=90))))


async def _give(settings: RatingSettings, msisdn: str, connected_at: str) -> str:
    """Open a new account and activate the number for it; its id."""
    account_id = str(uuid.uuid4())
    await handled(settings, await publish_event(settings.amqp_url, AccountOpened(
        account_id=account_id, customer_id="c2", payment_mode="postpaid", currency="MDL",
        timezone="UTC", language="ro", bill_delivery={"medium": "ebill"})))
    await handled(settings, await publish_event(settings.amqp_url, LineActivated(
        account_id=account_id, msisdn=msisdn, plan_code="smart",
        connected_at=datetime.fromisoformat(connected_at))))
    return account_id


async def _old_line_in_december(client: httpx.AsyncClient, settings: RatingSettings,
                                secret: TokenSigner) -> tuple[str, str]:
    """Account 1's line: December's fee charged, a package on, 600 s of its voice allowance
    used, then closed on 10 December."""
    assert (await put_plan(client, secret, "smart", PLAN)).status_code in (200, 201)
    assert (await client.put("/v1/packages/tv-plus", json=TV,
                             headers=bearer(secret))).status_code == 200
    account_id, msisdn = await open_line(settings, client, secret, "smart",
                                         connected_at="2026-11-01T00:00:00+00:00")
    await _clock(client, "2026-12-05T12:00:00+00:00")
    on = await client.post(f"/v1/lines/{msisdn}/packages", json={"code": "tv-plus"},
                           headers=bearer(secret, Role.SUBSCRIBER, account_id=account_id))
    assert on.status_code == 201, on.text
    used = await post_usage(client, secret, [
        record(msisdn, started_at="2026-12-04T10:00:00+00:00", quantity=600)])
    assert used.json()["accepted"] == 1, used.text
    await _clock(client, "2026-12-10T13:00:00+00:00")
    await _close(settings, account_id, msisdn, "2026-12-10T12:00:00+00:00")
    return account_id, msisdn


async def test_a_number_reassigned_in_the_month_starts_with_a_full_allowance_and_its_own_fee(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    old_account, msisdn = await _old_line_in_december(client, settings, token_signer)
    before = await _figures(settings, msisdn)
    assert ("2026-12-01", 600) in [(p.isoformat(), n) for _, p, a, n in before["buckets"]
                                   if a == "voice/out/national"]
    assert {(a, k, d.isoformat()) for a, k, d, _ in before["fees"]} >= {
        (old_account, "monthly", "2026-12-01"), (old_account, "package:tv-plus:monthly",
                                                 "2026-12-05")}
    new_account = await _give(settings, msisdn, "2026-12-15T00:00:00+00:00")
    await _clock(client, "2026-12-16T12:00:00+00:00")
    used = await post_usage(client, token_signer, [
        record(msisdn, "new", started_at="2026-12-16T10:00:00+00:00", quantity=60)])
    assert used.json()["accepted"] == 1, used.text
    own = bearer(token_signer, Role.SUBSCRIBER, account_id=new_account)
    left = (await client.get(f"/v1/lines/{msisdn}/allowances", headers=own)).json()
    assert [(a["type"], a["used"], a["remaining"]) for a in left["allowances"]] == [
        ("voice", 60, 5940), ("sms", 0, 100), ("data", 0, 1073741824)]
    fees = (await client.get(f"/v1/lines/{msisdn}/fees", headers=own)).json()["items"]
    # 17 of December's 31 days of 100.00, the new line's own first charge of the month
    assert [(f["period_date"], f["kind"], f["net"]) for f in fees] == [
        ("2026-12-15", "monthly", "54.84")]
    packages = await client.get(f"/v1/lines/{msisdn}/packages", headers=own)
    assert packages.status_code == 200 and packages.json() == [], packages.text
    usage = (await client.get(f"/v1/lines/{msisdn}/usage", headers=own)).json()
    assert [r["id"] for r in usage["items"]] == ["new"]
    after = await _figures(settings, msisdn)
    assert [f for f in after["fees"] if f[0] == old_account] == before["fees"]
    assert after["buckets"][:len(before["buckets"])] == before["buckets"]
