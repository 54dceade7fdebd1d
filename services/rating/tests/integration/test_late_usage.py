"""Late usage: records of an invoiced period are marked late; records beyond the window refused."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import httpx
from rating.settings import RatingSettings
from tarifa.messaging.catalogue import InvoiceIssued
from tarifa.testing.apps import bearer
from tarifa.testing.events import publish_event, tap_events
from tarifa.tokens import TokenSigner

from .seed import PLAN, handled, open_line, post_usage, put_plan, record


def _issued(account_id: str, period_end: date) -> InvoiceIssued:
    return InvoiceIssued(invoice_id=str(uuid.uuid4()), number="F-1", account_id=account_id,
                         period_start=period_end.replace(day=1), period_end=period_end,
                         total_charges=Decimal("0"), amount_due=Decimal("0"), due_date=None,
                         currency="MDL")


async def test_usage_of_an_invoiced_period_is_marked_late_and_older_usage_is_refused(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "late", PLAN | {"allowances": []})
    account_id, msisdn = await open_line(settings, client, token_signer, "late")
    await client.put("/v1/test/clock?wait=true", json={"now": "2026-05-05T12:00:00+00:00"})
    for period_end in (date(2026, 4, 30), date(2026, 3, 31)):
        await handled(settings, await publish_event(settings.amqp_url,
                                                    _issued(account_id, period_end)))
    async with tap_events(settings.amqp_url, ["rating.usage.rated"]) as tap:
        report = await post_usage(client, token_signer, [
            record(msisdn, "late", type="sms", quantity=1, started_at="2026-04-29T10:00:00+00:00"),
            record(msisdn, "current", type="sms", quantity=2,
                   started_at="2026-05-02T10:00:00+00:00"),
            record(msisdn, "too-late", type="sms", quantity=1,
                   started_at="2026-04-21T11:59:59+00:00")])
        [event] = await tap.wait_for("rating.usage.rated", subject=account_id)
    assert report.json() == {"accepted": 2, "duplicates": 0,
                             "rejected": [{"id": "too-late", "reason": "too late", "index": 2}],
                             "parked": 0}
    items = sorted((i["usage_date"], i["late"], i["quantity"], Decimal(i["net"]))
                   for i in event.data["accounts"][0]["items"])
    assert items == [("2026-04-29", True, 1, Decimal("0.50")), ("2026-05-02", False, 2, Decimal("1.00"))]
    usage = (await client.get(f"/v1/lines/{msisdn}/usage", headers=bearer(token_signer))).json()
    assert [(r["id"], r["usage_date"], r["late"]) for r in usage["items"]] == [
        ("late", "2026-04-29", True), ("current", "2026-05-02", False)]


async def test_the_late_window_comes_from_the_settings(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    assert settings.late_usage_days == 14
    await put_plan(client, token_signer, "window", PLAN | {"allowances": []})
    _, msisdn = await open_line(settings, client, token_signer, "window")
    await client.put("/v1/test/clock?wait=true", json={"now": "2026-05-20T00:00:00+00:00"})
    report = await post_usage(client, token_signer, [
        record(msisdn, "inside", started_at="2026-05-06T00:10:00+00:00"),
        record(msisdn, "outside", started_at="2026-05-05T23:50:00+00:00")])
    assert report.json()["accepted"] == 1
    assert [(r["id"], r["reason"]) for r in report.json()["rejected"]] == [("outside", "too late")]
