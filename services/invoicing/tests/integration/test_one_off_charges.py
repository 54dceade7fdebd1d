"""One-off charges over HTTP on the real PostgreSQL and RabbitMQ: the ledger, the event, the
audit row, a line of its own on the next invoice, refusals and Idempotency-Key."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
from invoicing.settings import InvoicingSettings
from tarifa.testing.audit import audit_rows
from tarifa.testing.events import publish_event, tap_events

from .world import (
    balance_becomes,
    invoices_of,
    is_problem,
    item,
    open_account,
    operator,
    run_billing,
    set_clock,
    subscriber,
    usage,
)

SIM = {"description": "SIM card replacement", "amount": "50.00", "vat_rate": "0.20"}
RECONNECTION = {"description": "Reconnection fee", "amount": "100.00", "vat_rate": "0.20",
                "prices_include_vat": True}


async def _charge(client: httpx.AsyncClient, account_id: str, body: dict[str, Any],
                  **headers: str) -> httpx.Response:
    return await client.post(f"/v1/accounts/{account_id}/charges", json=body,
                             headers=operator() | headers)


async def _charges_audited(client: httpx.AsyncClient, account_id: str) -> list[dict[str, Any]]:
    rows = await audit_rows(client, "account", account_id)
    return [row for row in rows if row["action"] == "charge.posted"]


async def _with_may_sms(settings: InvoicingSettings, client: httpx.AsyncClient) -> str:
    await set_clock(client, "2026-05-20T09:00:00+00:00")
    account_id, msisdn = await open_account(settings, client, connected=date(2026, 5, 1))
    await publish_event(settings.amqp_url, usage(
        account_id, item(msisdn, "sms", 20, "10.00", "2.00", date(2026, 5, 15))))
    await balance_becomes(client, account_id, "-12.00")
    return account_id


async def test_one_off_charges_reach_the_ledger_and_the_next_invoice_each_as_its_own_line(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    account_id = await _with_may_sms(settings, client)
    async with tap_events(settings.amqp_url, ["invoicing.charge.posted"]) as tap:
        sim = await _charge(client, account_id, SIM)
        assert sim.status_code == 201, sim.text
        [event] = await tap.wait_for("invoicing.charge.posted", account_id=account_id)
    assert {k: sim.json()[k] for k in ("description", "currency", "net", "vat", "gross",
                                       "vat_rate", "occurred_on")} == {
        "description": "SIM card replacement", "currency": "MDL", "net": "50.00",
        "vat": "10.00", "gross": "60.00", "vat_rate": "0.20", "occurred_on": "2026-05-20"}
    assert event.subject == account_id
    assert (event.data["charge_id"], event.data["gross"]) == (sim.json()["id"], "60.00")
    reconnection = await _charge(client, account_id, RECONNECTION)
    assert (reconnection.json()["net"], reconnection.json()["vat"],
            reconnection.json()["gross"]) == ("83.33", "16.67", "100.00")
    await balance_becomes(client, account_id, "-172.00")
    [posted, _] = await _charges_audited(client, account_id)
    assert posted["after"]["id"] == sim.json()["id"]
    assert posted["actor"] == {"subject": "test-operator", "role": "operator"}
    await set_clock(client, "2026-06-01T06:00:00+00:00")
    await run_billing(client, "2026-05-31")
    [invoice] = await invoices_of(client, account_id)
    lines = [(line["type"], line["description"], line["net"], line["vat"], line["gross"])
             for line in invoice["lines"]]
    assert sorted(lines) == [
        ("one_off", "Reconnection fee", "83.33", "16.67", "100.00"),
        ("one_off", "SIM card replacement", "50.00", "10.00", "60.00"),
        ("sms", "efectuate", "10.00", "2.00", "12.00")]
    assert (invoice["total_charges"], invoice["vat_total"]) == ("172.00", "28.67")


async def test_an_idempotency_key_charges_once(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    account_id = await _with_may_sms(settings, client)
    key = {"Idempotency-Key": "sim-2026-05-20"}
    first, again = [await _charge(client, account_id, SIM, **key) for _ in range(2)]
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert is_problem(await _charge(client, account_id, SIM | {"amount": "51.00"}, **key), 422)
    await balance_becomes(client, account_id, "-72.00")
    ledger = (await client.get(f"/v1/accounts/{account_id}/ledger", headers=operator())).json()
    assert [row["type"] for row in ledger].count("one_off") == 1


async def test_refused_charges_change_nothing(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    account_id = await _with_may_sms(settings, client)
    bad = [{"amount": a} for a in ("0", "0.00", "-1.00", "1.234", "abc", "", "1e3", "9999999")]
    bad += [{"vat_rate": r} for r in ("1", "1.5", "-0.1", "NaN", "0.123456", "x")]
    bad += [{"description": d} for d in ("", "   ", "SIM\x00", "x" * 201)]
    bad += [{"extra": 1}]
    for change in bad:
        response = await _charge(client, account_id, SIM | change)
        assert is_problem(response, 422), (change, response.text)
    assert is_problem(await _charge(client, "no-such-account", SIM), 404)
    path = f"/v1/accounts/{account_id}/charges"
    assert is_problem(await client.post(path, json=SIM, headers=subscriber(account_id)), 403)
    assert is_problem(await client.post(path, json=SIM), 401)
    await balance_becomes(client, account_id, "-12.00")
    assert await _charges_audited(client, account_id) == []
