"""Refused usage records are kept from every ingest path, with their reasons, and each batch's
report is published as ``rating.usage.batch_processed`` (SPEC R3)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aio_pika
import httpx
import pytest
from rating.settings import RatingSettings
from tarifa.auth import Role
from tarifa.testing.apps import bearer
from tarifa.testing.events import tap_events
from tarifa.tokens import TokenSigner

from .seed import PLAN, open_line, post_usage, put_plan, record

QUEUE = "rating.usage.ingest"
PROCESSED = "rating.usage.batch_processed"


async def _rejections(client: httpx.AsyncClient, signer: TokenSigner,
                      **params: Any) -> list[dict[str, Any]]:
    response = await client.get("/v1/usage/rejections", params=params,
                                headers=bearer(signer, Role.MEDIATION))
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def _publish(amqp_url: str, body: dict[str, Any], message_id: str) -> None:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        await channel.default_exchange.publish(
            aio_pika.Message(json.dumps(body).encode(), message_id=message_id,
                             delivery_mode=aio_pika.DeliveryMode.PERSISTENT), routing_key=QUEUE)


async def _until_kept(client: httpx.AsyncClient, signer: TokenSigner, count: int,
                      **params: Any) -> list[dict[str, Any]]:
    for _ in range(200):
        found = await _rejections(client, signer, **params)
        if len(found) >= count:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"fewer than {count} rejections were kept")


async def test_records_refused_over_http_are_kept_as_sent_with_their_reasons_and_reported(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "kept", PLAN | {"allowances": []})
    _, msisdn = await open_line(settings, client, token_signer, "kept")
    batch: list[Any] = [
        record(msisdn, "good"), record(msisdn, "mms", type="mms"), record(msisdn, "good"),
        record(msisdn, "old", started_at="2026-01-02T00:00:00+00:00"),
        record(msisdn, "r\x00"), "not a record",
    ]
    async with tap_events(settings.amqp_url, [PROCESSED]) as tap:
        report = (await post_usage(client, token_signer, batch)).json()
        [event] = await tap.wait_for(PROCESSED)
    assert (report["accepted"], report["duplicates"], report["parked"]) == (1, 1, 0)
    assert event.data == {"batch_id": event.data["batch_id"], "source": "http", "accepted": 1,
                          "duplicates": 1, "rejected": 4, "parked": 0}
    kept = await _rejections(client, token_signer)
    assert [(k["position"], k["record_id"], k["reason"], k["source"]) for k in kept] == [
        (1, "mms", "no_price", "http"), (3, "old", "too_late", "http"),
        (4, None, "invalid", "http"), (5, None, "invalid", "http")]
    assert {k["batch_id"] for k in kept} == {event.data["batch_id"]}
    assert kept[0]["record"] == batch[1] and "no price for mms" in kept[0]["detail"]
    assert kept[2]["record"]["id"] == "r\\u0000" and "control character" in kept[2]["detail"]
    assert kept[3]["record"] == "not a record"
    assert kept[0]["received_at"].startswith("2026-05-14T12:00")


async def test_csv_lines_that_are_no_record_are_kept_as_their_fields(
    client: httpx.AsyncClient, token_signer: TokenSigner
) -> None:
    content = ("id,msisdn,type,direction,started_at,quantity\n"
               "c1,37369000001,sms,out,2026-05-04T10:00:00+00:00,many\n"
               "c2,37369000001,sms\n")
    response = await client.post("/v1/usage", content=content.encode(), headers=bearer(
        token_signer, Role.MEDIATION) | {"content-type": "text/csv"})
    assert response.status_code == 200, response.text
    kept = await _rejections(client, token_signer, reason="invalid")
    assert [(k["source"], k["record_id"], k["position"]) for k in kept] == [
        ("csv", "c1", 0), ("csv", "c2", 1)]
    assert kept[0]["record"]["quantity"] == "many"
    assert kept[1]["record"] == ["c2", "37369000001", "sms"]
    assert kept[1]["detail"] == "line 3 has 3 fields, the header 6"


async def test_a_redelivered_queue_batch_keeps_its_rejections_once_and_reports_each_pass(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "queue-kept", PLAN | {"allowances": []})
    _, msisdn = await open_line(settings, client, token_signer, "queue-kept")
    body = {"records": [record(msisdn, "q-good", type="sms", quantity=1),
                        record(msisdn, "q-bad", quantity=-1)]}
    async with tap_events(settings.amqp_url, [PROCESSED]) as tap:
        await _publish(settings.amqp_url, body, "mediation-batch-7")
        await _publish(settings.amqp_url, body, "mediation-batch-7")
        events = await tap.wait_for(PROCESSED, count=2, batch_id="mediation-batch-7")
    assert sorted((e.data["accepted"], e.data["duplicates"], e.data["rejected"], e.data["source"])
                  for e in events) == [(0, 1, 1, "amqp"), (1, 0, 1, "amqp")]
    [kept] = await _until_kept(client, token_signer, 1)
    assert (kept["batch_id"], kept["source"], kept["record_id"]) == (
        "mediation-batch-7", "amqp", "q-bad")
    assert kept["record"] == body["records"][1] and "negative" in kept["detail"]


async def test_rejections_are_filtered_by_received_time_and_reason_and_paged(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "filtered", PLAN | {"allowances": []})
    _, msisdn = await open_line(settings, client, token_signer, "filtered")
    for now, ids in (("2026-05-14T12:00:00+00:00", ["a1", "a2", "a3"]),
                     ("2026-05-15T09:30:00+00:00", ["b1"])):
        await client.put("/v1/test/clock?wait=true", json={"now": now})
        await post_usage(client, token_signer, [record(msisdn, i, type="mms") for i in ids]
                         + [record(msisdn, f"{ids[0]}-late", started_at="2026-04-01T00:00:00Z")])
    assert [k["record_id"] for k in await _rejections(client, token_signer, reason="no_price")] == [
        "a1", "a2", "a3", "b1"]
    day = await _rejections(client, token_signer, **{"from": "2026-05-15", "to": "2026-05-15"})
    assert [k["record_id"] for k in day] == ["b1", "b1-late"]
    before = await _rejections(client, token_signer, to="2026-05-15T09:29:59+00:00")
    assert [k["record_id"] for k in before] == ["a1", "a2", "a3", "a1-late"]
    window = await _rejections(client, token_signer, **{"from": "2026-05-15T09:30:00+00:00",
                                                        "to": "2026-05-15T09:31:00+00:00"})
    assert len(window) == 2
    seen, cursor = [], None
    for _ in range(4):
        page = (await client.get("/v1/usage/rejections", headers=bearer(token_signer), params={
            "limit": 2} | ({"cursor": cursor} if cursor else {}))).json()
        seen += [k["record_id"] for k in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["a1", "a2", "a3", "a1-late", "b1", "b1-late"]


@pytest.mark.parametrize("params", [
    {"from": "2026-05-15", "to": "2026-05-14"},
    {"from": "2026-05-14T12:00:01Z", "to": "2026-05-14T12:00:00Z"},
    {"from": "0001-01-01"}, {"to": "0001-01-01T00:00:00+00:00"}, {"from": "9999-12-31"},
    {"from": "2026-05-14T12:00:00"}, {"from": "yesterday"},
    {"reason": "no_such_reason"}, {"reason": "\x00"},
    {"limit": 0}, {"limit": 1001}, {"cursor": "not a cursor"}, {"cursor": "MjAyNnxhYmM="},
])
async def test_bad_query_input_is_answered_422_problem_json(
    client: httpx.AsyncClient, token_signer: TokenSigner, params: dict[str, Any]
) -> None:
    response = await client.get("/v1/usage/rejections", params=params,
                                headers=bearer(token_signer, Role.OPERATOR))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
