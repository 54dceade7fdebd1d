"""Closed lines through the running service: the fees stop at the closing day (a postpaid
month charged ahead is credited at once), usage after the closing is refused, and a number
given to a new line later starts afresh."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from rating.settings import RatingSettings
from tarifa.messaging.catalogue import LineActivated, LineClosed, LinePlanChanged
from tarifa.testing.apps import bearer
from tarifa.testing.events import publish_event, tap_events
from tarifa.tokens import TokenSigner

from .seed import PLAN, handled, open_line, post_usage, put_plan, record


async def _clock(client: httpx.AsyncClient, now: str) -> None:
    moved = await client.put("/v1/test/clock?wait=true", json={"now": now})
    assert moved.status_code == 200, moved.text


async def _fees(client: httpx.AsyncClient, secret: str, msisdn: str) -> list[tuple[str, str, str]]:
    response = await client.get(f"/v1/lines/{msisdn}/fees", headers=bearer(secret))
    assert response.status_code == 200, response.text
    return [(f["period_date"], f["kind"], f["net"]) for f in response.json()["items"]]


async def _close(settings: RatingSettings, account_id: str, msisdn: str, at: str) -> None:
    closed_at = datetime.fromisoformat(at)
    event = await publish_event(settings.amqp_url, LineClosed(
        account_id=account_id, msisdn=msisdn, closed_at=closed_at,
        number_free_from=closed_at + timedelta(days=90)))
    await handled(settings, event)


def _rejected(report: httpx.Response) -> dict[str, str]:
    body: dict[str, Any] = report.json()
    return {r["id"]: r["reason"] for r in body["rejected"]}


async def test_a_closed_postpaid_line_is_credited_the_days_after_its_closing_at_once(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "monthly", PLAN | {"allowances": []})
    account_id, msisdn = await open_line(settings, client, token_signer, "monthly",
                                         connected_at="2026-05-01T00:00:00+00:00")
    await _clock(client, "2026-06-10T13:00:00+00:00")
    async with tap_events(settings.amqp_url, ["rating.fee.charged"]) as tap:
        await _close(settings, account_id, msisdn, "2026-06-10T12:00:00+00:00")
        [credit] = await tap.wait_for("rating.fee.charged", msisdn=msisdn,
                                      kind="monthly_adjustment")
    # June: 10 of 30 days of 100.00 = 33.33; 100.00 was charged on the 1st.
    assert (credit.data["period_date"], credit.data["net"]) == ("2026-06-10", "-66.67")
    report = await post_usage(client, token_signer, [
        record(msisdn, "before", started_at="2026-06-10T11:59:00+00:00"),
        record(msisdn, "after", started_at="2026-06-10T12:00:00+00:00")])
    assert report.json()["accepted"] == 1, report.text
    assert _rejected(report) == {"after": "the line was closed at 2026-06-10 12:00:00+00:00"}
    await _clock(client, "2026-08-02T00:00:00+00:00")
    assert await _fees(client, token_signer, msisdn) == [
        ("2026-05-01", "monthly", "100.00"), ("2026-06-01", "monthly", "100.00"),
        ("2026-06-10", "monthly_adjustment", "-66.67")]


async def test_a_closed_prepaid_line_pays_no_day_after_its_closing_day(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "daily", PLAN | {"payment_mode": "prepaid",
                                                        "monthly_fee": "30.00", "allowances": []})
    account_id, msisdn = await open_line(settings, client, token_signer, "daily",
                                         connected_at="2026-06-01T00:00:00+00:00",
                                         payment_mode="prepaid")
    await _clock(client, "2026-06-03T10:00:00+00:00")
    await _close(settings, account_id, msisdn, "2026-06-05T09:00:00+00:00")
    await _clock(client, "2026-06-20T00:00:00+00:00")
    assert await _fees(client, token_signer, msisdn) == [
        (f"2026-06-0{day}", "daily", "1.00") for day in range(1, 6)]


async def test_a_number_given_to_a_new_line_inherits_nothing_of_the_old_one(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "monthly", PLAN | {"allowances": []})
    await put_plan(client, token_signer, "other", PLAN | {"allowances": [], "prices": [
        {"type": "sms", "direction": "out", "zone": "*", "unit_price": "5.00"}]})
    old_account, msisdn = await open_line(settings, client, token_signer, "monthly",
                                          connected_at="2026-05-01T00:00:00+00:00")
    changed = await publish_event(settings.amqp_url, LinePlanChanged(
        msisdn=msisdn, from_plan="monthly", to_plan="other", account_id=old_account,
        effective_at=datetime.fromisoformat("2026-05-20T00:00:00+00:00")))
    await handled(settings, changed)
    await _close(settings, old_account, msisdn, "2026-06-01T00:00:00+00:00")
    activated = await publish_event(settings.amqp_url, LineActivated(
        account_id="new-owner", msisdn=msisdn, plan_code="monthly",
        connected_at=datetime.fromisoformat("2026-09-01T00:00:00+00:00")))
    await handled(settings, activated)
    await _clock(client, "2026-09-02T12:00:00+00:00")
    sms = {"type": "sms", "quantity": 1}
    async with tap_events(settings.amqp_url, ["rating.usage.rated"]) as tap:
        report = await post_usage(client, token_signer, [
            record(msisdn, "old-owner", started_at="2026-08-31T10:00:00+00:00", **sms),
            record(msisdn, "new-owner", started_at="2026-09-02T10:00:00+00:00", **sms)])
        [rated] = await tap.wait_for("rating.usage.rated", subject="new-owner")
    assert report.json()["accepted"] == 1, report.text
    # between the old line's closing and the new line's connection no line held the number
    assert "the line was closed at 2026-06-01" in _rejected(report)["old-owner"]
    # the old line's change to "other" (SMS at 5.00) is not the new line's: "monthly", 0.50
    [charged] = rated.data["accounts"]
    assert [(i["msisdn"], Decimal(i["net"])) for i in charged["items"]] == [
        (msisdn, Decimal("0.50"))]
