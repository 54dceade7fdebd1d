"""Usage ingest over HTTP: exact amounts, zones, VAT, allowances, duplicates and rejections."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
from rating.settings import RatingSettings
from tarifa.auth import Role
from tarifa.testing.apps import bearer
from tarifa.testing.events import tap_events
from tarifa.tokens import TokenSigner

from .seed import PLAN, new_msisdn, open_line, post_usage, put_plan, record

D = Decimal


def _exact_plan(**changes: Any) -> dict[str, Any]:
    """Prices chosen so that every rule shows in the amounts."""
    return PLAN | {"allowances": [], "prices": [
        {"type": "voice", "direction": "out", "zone": "national", "unit_price": "0.60",
         "first_increment": 60, "next_increment": 1},
        {"type": "voice", "direction": "out", "zone": "international", "unit_price": "1.20",
         "first_increment": 60, "next_increment": 60},
        {"type": "voice", "direction": "out", "zone": "*", "unit_price": "2.00",
         "first_increment": 30, "next_increment": 30},
        {"type": "voice", "direction": "in", "zone": "*", "unit_price": "0"},
        {"type": "sms", "direction": "out", "zone": "*", "unit_price": "0.50"},
        {"type": "data", "direction": "*", "zone": "*", "unit_price": "0.10", "unit": "MiB"},
        {"type": "data", "direction": "*", "zone": "roaming", "unit_price": "5.00", "unit": "MiB"},
    ]} | changes


# (fields, billed quantity, net, vat, gross)
CASES: dict[str, tuple[dict[str, Any], int, str, str, str]] = {
    "voice-90s": ({"quantity": 90}, 90, "0.90", "0.18", "1.08"),
    "voice-10s": ({"quantity": 10}, 60, "0.60", "0.12", "0.72"),
    "voice-intl": ({"quantity": 61, "zone": "international"}, 120, "2.40", "0.48", "2.88"),
    "voice-roam": ({"quantity": 31, "roaming_country": "RO"}, 60, "2.00", "0.40", "2.40"),
    "voice-onnet": ({"quantity": 45, "zone": "onnet"}, 60, "2.00", "0.40", "2.40"),
    "voice-in": ({"quantity": 300, "direction": "in"}, 300, "0.00", "0.00", "0.00"),
    "sms": ({"type": "sms", "quantity": 1}, 1, "0.50", "0.10", "0.60"),
    "data-1b": ({"type": "data", "quantity": 1}, 1024, "0.0000976563", "0.0000195313",
                "0.0001171876"),
    "data-1.5mib": ({"type": "data", "quantity": 1_572_864}, 1_572_864, "0.15", "0.03", "0.18"),
    "data-kib": ({"type": "data", "quantity": 1_500_000}, 1_500_160, "0.1430664063", "0.0286132813",
                 "0.1716796876"),
    "data-roam": ({"type": "data", "quantity": 1_048_576, "roaming_country": "DE"}, 1_048_576,
                  "5.00", "1.00", "6.00"),
}


async def _usage(client: httpx.AsyncClient, secret: str, msisdn: str,
                 **params: Any) -> list[dict[str, Any]]:
    response = await client.get(f"/v1/lines/{msisdn}/usage", headers=bearer(secret),
                                params=params | {"limit": 1000})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_records_are_priced_exactly_and_announced_with_totals(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "exact", _exact_plan())
    account_id, msisdn = await open_line(settings, client, token_signer, "exact")
    records = [record(msisdn, key, **fields) for key, (fields, *_rest) in CASES.items()]
    async with tap_events(settings.amqp_url, ["rating.usage.rated"]) as tap:
        report = await post_usage(client, token_signer, records)
        [event] = await tap.wait_for("rating.usage.rated", subject=account_id)
    [charged] = event.data["accounts"]
    assert report.json() == {"accepted": len(CASES), "duplicates": 0, "rejected": [],
                             "parked": 0}
    rated = {r["id"]: r for r in await _usage(client, token_signer, msisdn)}
    for key, (_fields, billed, net, vat, gross) in CASES.items():
        assert (rated[key]["billed_quantity"], rated[key]["net"], rated[key]["vat"],
                rated[key]["gross"]) == (billed, net, vat, gross), key
    assert rated["voice-roam"]["zone"] == "roaming"
    assert (charged["account_id"], charged["currency"]) == (account_id, "MDL")
    for total, column in (("net", 2), ("vat", 3), ("gross", 4)):
        assert D(charged["totals"][total]) == sum(D(str(case[column])) for case in CASES.values())
    assert sum(D(i["gross"]) for i in charged["items"]) == D(charged["totals"]["gross"])


async def test_a_batch_of_two_accounts_is_one_event(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "exact", _exact_plan())
    first, first_msisdn = await open_line(settings, client, token_signer, "exact")
    second, second_msisdn = await open_line(settings, client, token_signer, "exact")
    records = [record(first_msisdn, type="sms", quantity=1), record(second_msisdn, quantity=90)]
    async with tap_events(settings.amqp_url, ["rating.usage.rated"]) as tap:
        await post_usage(client, token_signer, records)
        [event] = await tap.wait_for("rating.usage.rated")
    assert event.subject is None  # the batch touched two accounts
    assert sorted((a["account_id"], D(a["totals"]["gross"])) for a in event.data["accounts"]) == \
        sorted([(first, D("0.60")), (second, D("1.08"))])


async def test_prices_that_include_vat_are_split(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "gross", _exact_plan(prices_include_vat=True))
    _, msisdn = await open_line(settings, client, token_signer, "gross")
    await post_usage(client, token_signer, [record(msisdn, "s1", type="sms", quantity=1),
                                          record(msisdn, "v1", quantity=90)])
    rated = {r["id"]: r for r in await _usage(client, token_signer, msisdn)}
    assert (rated["s1"]["net"], rated["s1"]["vat"], rated["s1"]["gross"]) == (
        "0.4166666667", "0.0833333333", "0.50")
    assert (rated["v1"]["net"], rated["v1"]["vat"], rated["v1"]["gross"]) == ("0.75", "0.15", "0.90")


async def test_allowances_are_consumed_first_then_priced(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    allowances = [{"type": "voice", "direction": "out", "zone": "national", "quantity": 120},
                  {"type": "sms", "direction": "out", "zone": "*", "quantity": 1}]
    await put_plan(client, token_signer, "bundle", _exact_plan(allowances=allowances))
    account_id, msisdn = await open_line(settings, client, token_signer, "bundle")
    async with tap_events(settings.amqp_url, ["rating.allowance.exhausted"]) as tap:
        await post_usage(client, token_signer, [record(msisdn, "c1", quantity=90),
                                              record(msisdn, "s1", type="sms", quantity=1)])
        await post_usage(client, token_signer, [record(msisdn, "c2", quantity=90),
                                              record(msisdn, "c3", quantity=10),
                                              record(msisdn, "s2", type="sms", quantity=1)])
        exhausted = await tap.wait_for("rating.allowance.exhausted", count=2, account_id=account_id)
    rated = {r["id"]: r for r in await _usage(client, token_signer, msisdn)}
    assert [(rated[k]["allowance_used"], rated[k]["net"]) for k in ("c1", "c2", "c3", "s1", "s2")] \
        == [(90, "0.00"), (30, "0.60"), (0, "0.60"), (1, "0.00"), (0, "0.50")]
    assert sorted(e.data["allowance"] for e in exhausted) == ["sms/out/*", "voice/out/national"]
    await client.put("/v1/test/clock?wait=true", json={"now": "2026-05-20T12:00:00+00:00"})
    left = (await client.get(f"/v1/lines/{msisdn}/allowances", headers=bearer(token_signer))).json()
    assert left["period_start"] == "2026-05-01" and left["period_end"] == "2026-05-31"
    assert [(a["type"], a["used"], a["remaining"]) for a in left["allowances"]] == [
        ("voice", 120, 0), ("sms", 1, 0)]


async def test_bad_records_are_rejected_alone_strangers_parked_and_a_repeated_batch_all_duplicates(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "strict", _exact_plan())
    _, msisdn = await open_line(settings, client, token_signer, "strict",
                                connected_at="2026-05-04T00:00:00+00:00")
    batch: list[Any] = [
        record(msisdn, "ok-1"), record(msisdn, "ok-1"), record(new_msisdn(), "stranger"),
        record(msisdn, "early", started_at="2026-05-03T23:59:59+00:00"),
        record(msisdn, "negative", quantity=-5), record(msisdn, "no-price", type="mms"),
        record(msisdn, "naive", started_at="2026-05-04T10:00:00"), "not a record",
        record(msisdn, "ok-2", type="sms", quantity=2),
    ]
    first = (await post_usage(client, token_signer, batch, role=Role.OPERATOR)).json()
    again = (await post_usage(client, token_signer, batch)).json()
    reasons = {r["id"]: r["reason"] for r in first["rejected"]}
    assert (first["accepted"], first["duplicates"], first["parked"]) == (2, 1, 1)
    assert set(reasons) == {"early", "negative", "no-price", "naive", None}
    assert "before" in reasons["early"]
    assert "negative" in reasons["negative"] and "no price" in reasons["no-price"]
    assert (again["accepted"], again["duplicates"], again["parked"]) == (0, 4, 0)
    assert again["rejected"] == first["rejected"]
    assert sorted(r["id"] for r in await _usage(client, token_signer, msisdn)) == ["ok-1", "ok-2"]


async def test_a_batch_above_ten_thousand_records_is_refused(
    client: httpx.AsyncClient, token_signer: TokenSigner
) -> None:
    records = [record("37369000001", f"r{i}") for i in range(10_001)]
    response = await post_usage(client, token_signer, records)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    for body in ({}, {"records": "many"}):
        bad = await client.post("/v1/usage", json=body, headers=bearer(token_signer, Role.MEDIATION))
        assert bad.status_code == 422


async def test_usage_pages_filter_by_direction_and_dates(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "pages", _exact_plan())
    _, msisdn = await open_line(settings, client, token_signer, "pages")
    await post_usage(client, token_signer, [
        record(msisdn, f"d{day}", started_at=f"2026-05-{day:02d}T10:00:00+00:00",
               direction="in" if day % 2 else "out") for day in range(1, 8)])
    seen, cursor = [], None
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = (await client.get(f"/v1/lines/{msisdn}/usage", params=params,
                                 headers=bearer(token_signer))).json()
        seen += [r["id"] for r in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert seen == [f"d{day}" for day in range(1, 8)]
    outgoing = await _usage(client, token_signer, msisdn, direction="out", **{"from": "2026-05-03",
                                                                             "to": "2026-05-06"})
    assert [r["id"] for r in outgoing] == ["d4", "d6"]


async def test_roles_and_accounts_are_enforced(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "roles", _exact_plan())
    account_id, msisdn = await open_line(settings, client, token_signer, "roles")
    own = bearer(token_signer, Role.SUBSCRIBER, account_id)
    other = bearer(token_signer, Role.SUBSCRIBER, "someone-else")
    assert (await client.post("/v1/usage", json={"records": []})).status_code == 401
    refused = await client.post("/v1/usage", json={"records": []}, headers=own)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    for path in (f"/v1/lines/{msisdn}/allowances", f"/v1/lines/{msisdn}/usage"):
        assert (await client.get(path, headers=own)).status_code == 200
        assert (await client.get(path, headers=other)).status_code == 404
        assert (await client.get(path, headers=bearer(token_signer, Role.PARTNER))).status_code == 403
    unknown = await client.get(f"/v1/lines/{new_msisdn()}/allowances", headers=bearer(token_signer))
    assert unknown.status_code == 404
