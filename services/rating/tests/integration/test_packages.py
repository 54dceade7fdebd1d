"""Add-on packages through the running service: the catalogue, switching on and off a line by
its subscriber, refusals, and the package's own fee with proration beside the plan's."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from rating.settings import RatingSettings
from tarifa.auth import Role
from tarifa.messaging.catalogue import LineClosed
from tarifa.testing.apps import bearer
from tarifa.testing.audit import audit_rows
from tarifa.testing.events import publish_event, tap_events
from tarifa.tokens import TokenSigner

from .seed import PLAN, handled, open_line, post_usage, put_plan, record

TV: dict[str, Any] = {"name": "TV Plus", "payment_mode": "postpaid", "currency": "MDL",
                      "monthly_fee": "30.00", "vat_rate": "0.20", "prices_include_vat": False,
                      "allowances": [{"type": "data", "direction": "*", "zone": "*",
                                      "quantity": 1048576}]}


async def _clock(client: httpx.AsyncClient, now: str) -> None:
    moved = await client.put("/v1/test/clock?wait=true", json={"now": now})
    assert moved.status_code == 200, moved.text


async def _fees(client: httpx.AsyncClient, secret: str, msisdn: str) -> list[tuple[str, str, str]]:
    response = await client.get(f"/v1/lines/{msisdn}/fees", headers=bearer(secret))
    assert response.status_code == 200, response.text
    return [(f["period_date"], f["kind"], f["net"]) for f in response.json()["items"]]


def _is_problem(response: httpx.Response, status: int) -> bool:
    return (response.status_code == status
            and response.headers["content-type"] == "application/problem+json")


async def test_a_subscriber_switches_a_package_on_and_off_and_pays_its_days(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "monthly", PLAN | {"allowances": []})
    defined = await client.put("/v1/packages/tv-plus", json=TV, headers=bearer(token_signer))
    assert defined.status_code == 200, defined.text
    account_id, msisdn = await open_line(settings, client, token_signer, "monthly",
                                         connected_at="2026-05-01T00:00:00+00:00")
    own = bearer(token_signer, Role.SUBSCRIBER, account_id=account_id)
    listed = await client.get("/v1/packages", headers=own)
    assert [p["code"] for p in listed.json()] == ["tv-plus"]
    await _clock(client, "2026-06-10T10:00:00+00:00")
    path = f"/v1/lines/{msisdn}/packages"
    keys = ["rating.package.switched_on", "rating.package.switched_off"]
    async with tap_events(settings.amqp_url, keys) as tap:
        on = await client.post(path, json={"code": "tv-plus"}, headers=own)
        assert on.status_code == 201, on.text
        [switched_on] = await tap.wait_for(keys[0], msisdn=msisdn)
        assert _is_problem(await client.post(path, json={"code": "tv-plus"}, headers=own), 409)
        await _clock(client, "2026-06-20T12:00:00+00:00")
        off = await client.delete(f"{path}/tv-plus", headers=own)
        assert off.status_code == 200, off.text
        [switched_off] = await tap.wait_for(keys[1], msisdn=msisdn)
    assert (switched_on.subject, switched_on.data["code"]) == (account_id, "tv-plus")
    assert switched_off.data["at"].startswith("2026-06-20T12:00:00")
    # the test clock runs on from where it was put
    assert (on.json()["started_at"][:16], off.json()["ended_at"][:16]) == (
        "2026-06-10T10:00", "2026-06-20T12:00")
    again = await client.post(path, json={"code": "tv-plus"}, headers=own)
    assert _is_problem(again, 409) and "next month" in again.json()["detail"]
    await _clock(client, "2026-07-05T00:00:00+00:00")
    # June: 21 of 30 days of 30.00 charged on the 10th, then 11 days (10th to 20th) = 11.00
    assert await _fees(client, token_signer, msisdn) == [
        ("2026-05-01", "monthly", "100.00"), ("2026-06-01", "monthly", "100.00"),
        ("2026-06-10", "package:tv-plus:monthly", "21.00"),
        ("2026-06-20", "package:tv-plus:monthly_adjustment", "-10.00"),
        ("2026-07-01", "monthly", "100.00")]
    held = (await client.get(path, headers=own)).json()
    assert [(u["code"], u["ended_at"]) for u in held] == [("tv-plus", off.json()["ended_at"])]
    actions = [row["action"] for row in await audit_rows(client, "line", msisdn)
               if row["action"].startswith("package.")]
    assert actions == ["package.switched_on", "package.switched_off"]


async def test_prepaid_packages_pay_daily_shares_from_the_day_they_go_on(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    prepaid = {"payment_mode": "prepaid", "monthly_fee": "30.00", "allowances": []}
    await put_plan(client, token_signer, "daily", PLAN | prepaid)
    data = TV | prepaid | {"name": "Data 5"}
    assert (await client.put("/v1/packages/data-5", json=data,
                             headers=bearer(token_signer))).status_code == 200
    _, msisdn = await open_line(settings, client, token_signer, "daily",
                                connected_at="2026-06-01T00:00:00+00:00", payment_mode="prepaid")
    await _clock(client, "2026-06-03T10:00:00+00:00")
    on = await client.post(f"/v1/lines/{msisdn}/packages", json={"code": "data-5"},
                           headers=bearer(token_signer))
    assert on.status_code == 201, on.text
    await _clock(client, "2026-06-05T10:00:00+00:00")
    package = [f for f in await _fees(client, token_signer, msisdn) if f[1].startswith("package")]
    assert package == [(f"2026-06-0{d}", "package:data-5:daily", "1.00") for d in (3, 4, 5)]


async def test_packages_are_refused_clearly(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "monthly", PLAN | {"allowances": []})
    operator = bearer(token_signer)
    assert (await client.put("/v1/packages/tv-plus", json=TV, headers=operator)).status_code == 200
    account_id, msisdn = await open_line(settings, client, token_signer, "monthly")
    for body in (TV | {"monthly_fee": "1.234"}, TV | {"vat_rate": "1.5"}, TV | {"extra": 1},
                 TV | {"currency": "ZZZ"}, TV | {"name": "TV\x00"},
                 TV | {"allowances": TV["allowances"] * 2}):
        assert _is_problem(await client.put("/v1/packages/tv-2", json=body, headers=operator),
                           422), body
    assert _is_problem(await client.put("/v1/packages/TV!", json=TV, headers=operator), 422)
    prepaid = TV | {"payment_mode": "prepaid"}
    assert (await client.put("/v1/packages/pre", json=prepaid, headers=operator)).status_code == 200
    path = f"/v1/lines/{msisdn}/packages"
    assert _is_problem(await client.post(path, json={"code": "pre"}, headers=operator), 422)
    assert _is_problem(await client.post(path, json={"code": "nope"}, headers=operator), 404)
    stranger = bearer(token_signer, Role.SUBSCRIBER, account_id="someone-else")
    assert _is_problem(await client.post(path, json={"code": "tv-plus"}, headers=stranger), 404)
    assert _is_problem(await client.delete(f"{path}/tv-plus", headers=operator), 404)
    assert _is_problem(await client.post("/v1/lines/37369999999/packages",
                                         json={"code": "tv-plus"}, headers=operator), 404)
    assert (await client.get(path, headers=operator)).json() == []
    assert account_id


async def test_closing_a_line_ends_its_packages_and_credits_their_month_at_once(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "monthly", PLAN | {"allowances": []})
    operator = bearer(token_signer)
    assert (await client.put("/v1/packages/tv-plus", json=TV, headers=operator)).status_code == 200
    account_id, msisdn = await open_line(settings, client, token_signer, "monthly",
                                         connected_at="2026-06-01T00:00:00+00:00")
    await _clock(client, "2026-06-01T00:00:00+00:00")
    path = f"/v1/lines/{msisdn}/packages"
    assert (await client.post(path, json={"code": "tv-plus"}, headers=operator)).status_code == 201
    await _clock(client, "2026-06-10T13:00:00+00:00")
    closed_at = datetime.fromisoformat("2026-06-10T12:00:00+00:00")
    await handled(settings, await publish_event(settings.amqp_url, LineClosed(
        account_id=account_id, msisdn=msisdn, closed_at=closed_at,
        number_free_from=closed_at + timedelta(days=90))))
    fees = await _fees(client, token_signer, msisdn)
    # 10 of 30 days: the plan 33.33 of 100.00, the package 10.00 of 30.00
    assert fees == [("2026-06-01", "monthly", "100.00"),
                    ("2026-06-01", "package:tv-plus:monthly", "30.00"),
                    ("2026-06-10", "monthly_adjustment", "-66.67"),
                    ("2026-06-10", "package:tv-plus:monthly_adjustment", "-20.00")]
    [use] = (await client.get(path, headers=operator)).json()
    assert use["ended_at"] == "2026-06-10T12:00:00Z"
    await _clock(client, "2026-07-02T00:00:00+00:00")
    assert await _fees(client, token_signer, msisdn) == fees


async def test_a_package_s_allowance_is_used_before_the_plan_s_while_it_is_on(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    sms_plan = PLAN | {"monthly_fee": "0.00", "allowances": [
        {"type": "sms", "direction": "out", "zone": "*", "quantity": 2}]}
    await put_plan(client, token_signer, "sms-2", sms_plan)
    pack = TV | {"name": "SMS 3", "monthly_fee": "0.00", "allowances": [
        {"type": "sms", "direction": "*", "zone": "*", "quantity": 3}]}
    operator = bearer(token_signer)
    assert (await client.put("/v1/packages/sms-3", json=pack, headers=operator)).status_code == 200
    account_id, msisdn = await open_line(settings, client, token_signer, "sms-2",
                                         connected_at="2026-06-01T00:00:00+00:00")
    await _clock(client, "2026-06-10T10:00:00+00:00")
    before = [record(msisdn, "before", type="sms", quantity=1,
                     started_at="2026-06-09T10:00:00+00:00")]
    after = [record(msisdn, f"after-{i}", type="sms", quantity=1,
                    started_at=f"2026-06-10T11:0{i}:00+00:00") for i in range(5)]
    async with tap_events(settings.amqp_url, ["rating.usage.rated",
                                              "rating.allowance.exhausted"]) as tap:
        assert (await post_usage(client, token_signer, before)).json()["accepted"] == 1
        [first] = await tap.wait_for("rating.usage.rated", subject=account_id)
        on = await client.post(f"/v1/lines/{msisdn}/packages", json={"code": "sms-3"},
                               headers=operator)
        assert on.status_code == 201, on.text
        assert (await post_usage(client, token_signer, after)).json()["accepted"] == 5
        seen = await tap.wait_for("rating.usage.rated", count=2, subject=account_id)
        exhausted = await tap.wait_for("rating.allowance.exhausted", count=2, msisdn=msisdn)
    [rated] = [event for event in seen if event.id != first.id]
    # the plan's 2 SMS: 1 before the package, 1 after its 3; the fifth is priced at 0.50
    [charged] = rated.data["accounts"]
    assert Decimal(charged["totals"]["net"]) == Decimal("0.50")
    assert sorted(e.data["allowance"] for e in exhausted) == [
        "package:sms-3:sms/*/*", "sms/out/*"]
    shown = await client.get(f"/v1/lines/{msisdn}/allowances", headers=operator)
    assert [(a["package"], a["type"], a["quantity"], a["used"], a["remaining"])
            for a in shown.json()["allowances"]] == [("sms-3", "sms", 3, 3, 0),
                                                     (None, "sms", 2, 2, 0)]
