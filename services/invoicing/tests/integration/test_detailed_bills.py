"""Detailed bills over HTTP on the real PostgreSQL and RabbitMQ: the itemised records of one
direction, the policy window, the fee charged when the document is made, access."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import httpx
from invoicing.settings import InvoicingSettings
from tarifa.testing.events import publish_event, tap_events

from ..conftest import StubRenderer
from .world import (
    balance_becomes,
    eventually,
    is_problem,
    item,
    open_account,
    operator,
    set_clock,
    subscriber,
    usage,
)

JUNE_TENTH = "2026-06-10T09:00:00+00:00"
BILL_KEYS = {"id", "account_id", "from", "to", "direction", "status", "fee", "currency",
             "records", "requested_at", "ready_at", "document"}


async def _usage_in_may(settings: InvoicingSettings, client: httpx.AsyncClient) -> tuple[str, str]:
    await set_clock(client, JUNE_TENTH)
    account_id, msisdn = await open_account(settings, client, connected=date(2026, 3, 1))
    await publish_event(settings.amqp_url, usage(
        account_id, item(msisdn, "voice", 125, "1.00", "0.20", date(2026, 5, 2)),
        item(msisdn, "sms", 1, "0.50", "0.10", date(2026, 5, 3)),
        item(msisdn, "voice", 60, "0.00", "0.00", date(2026, 5, 4), direction="in"),
        item(msisdn, "sms", 1, "0.50", "0.10", date(2026, 3, 5))))
    await balance_becomes(client, account_id, "-2.40")
    return account_id, msisdn


async def _request(client: httpx.AsyncClient, account_id: str, headers: dict[str, str],
                   **body: Any) -> httpx.Response:
    wanted = {"from": "2026-05-01", "to": "2026-05-31", "direction": "out"} | body
    return await client.post(f"/v1/accounts/{account_id}/detailed-bills", json=wanted,
                             headers=headers)


async def test_a_detailed_bill_lists_one_direction_and_charges_its_fee_when_made(
    client: httpx.AsyncClient, settings: InvoicingSettings, renderer: StubRenderer
) -> None:
    account_id, msisdn = await _usage_in_may(settings, client)
    keys = ["invoicing.detailed_bill.ready", "invoicing.balance.changed"]
    async with tap_events(settings.amqp_url, keys) as tap:
        started = await _request(client, account_id, subscriber(account_id))
        assert started.status_code == 202, started.text
        bill_id = started.json()["id"]
        [ready] = await tap.wait_for("invoicing.detailed_bill.ready", account_id=account_id)
        [charged] = await tap.wait_for("invoicing.balance.changed", account_id=account_id,
                                       cause="detailed_bill")
    assert set(started.json()) == {"id"} and ready.data["document_id"] == bill_id
    assert charged.data["balance"] == "-52.40"
    bill = (await client.get(f"/v1/detailed-bills/{bill_id}", headers=subscriber(account_id))
            ).json()
    assert set(bill) == BILL_KEYS
    assert (bill["status"], bill["records"], bill["fee"], bill["currency"], bill["direction"]) == (
        "ready", 2, "50.00", "MDL", "out")
    assert (bill["from"], bill["to"]) == ("2026-05-01", "2026-05-31")
    pdf = await client.get(bill["document"], headers=subscriber(account_id))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-1.7 detailed_bill")
    [document] = [s for s in renderer.statements if s.invoice_id == bill_id]
    assert [(line.msisdn, line.type, line.quantity, line.gross) for line in document.lines] == [
        (msisdn, "voice", Decimal(125), Decimal("1.20")), (msisdn, "sms", Decimal(1),
                                                           Decimal("0.60"))]
    assert document.lines[0].description.startswith("2026-05-02")
    ledger = (await client.get(f"/v1/accounts/{account_id}/ledger", headers=operator())).json()
    [fee] = [r for r in ledger if r["type"] == "detailed_bill"]
    assert (fee["kind"], fee["amount"], fee["net"], fee["vat"], fee["gross"]) == (
        "charge", "-50.00", "41.67", "8.33", "50.00")


async def test_each_direction_is_its_own_request_and_fee(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    account_id, _ = await _usage_in_may(settings, client)
    incoming = await _request(client, account_id, operator(), direction="in")
    outgoing = await _request(client, account_id, operator(), direction="out")
    await balance_becomes(client, account_id, "-102.40")
    for response, records in ((incoming, 1), (outgoing, 2)):
        bill = await eventually(
            lambda r=response: client.get(f"/v1/detailed-bills/{r.json()['id']}",
                                          headers=operator()),
            lambda r: r.json()["status"] == "ready")
        assert bill.json()["records"] == records


async def test_an_idempotency_key_makes_one_bill_and_one_fee(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    account_id, _ = await _usage_in_may(settings, client)
    headers = operator() | {"Idempotency-Key": "bill-1"}
    first, again = [await _request(client, account_id, headers) for _ in range(2)]
    assert first.json() == again.json() and again.status_code == 202
    assert is_problem(await _request(client, account_id, headers, direction="in"), 422)
    await eventually(lambda: client.get(f"/v1/detailed-bills/{first.json()['id']}",
                                        headers=operator()),
                     lambda r: r.json()["status"] == "ready")
    await balance_becomes(client, account_id, "-52.40")


async def test_requests_outside_the_window_or_of_others_are_refused_and_charge_nothing(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    account_id, _ = await _usage_in_may(settings, client)
    own = subscriber(account_id)
    for body in ({"from": "2026-03-09"}, {"to": "2026-06-11"}, {"from": "2026-05-31",
                                                                 "to": "2026-05-01"},
                 {"direction": "both"}, {"from": "01.05.2026"}, {"extra": 1}):
        assert is_problem(await _request(client, account_id, own, **body), 422), body
    assert is_problem(await _request(client, account_id, subscriber("someone-else")), 404)
    assert is_problem(await _request(client, "no-such-account", operator()), 404)
    assert is_problem(await _request(client, account_id, {}), 401)
    earliest = await _request(client, account_id, own, **{"from": "2026-03-10",
                                                           "to": "2026-06-10"})
    assert earliest.status_code == 202
    bill_path = f"/v1/detailed-bills/{earliest.json()['id']}"
    for path in (bill_path, f"{bill_path}/pdf"):
        assert is_problem(await client.get(path, headers=subscriber("someone-else")), 404)
    assert is_problem(await client.get("/v1/detailed-bills/nope", headers=operator()), 404)
    ready = await eventually(lambda: client.get(bill_path, headers=own),
                             lambda r: r.json()["status"] == "ready")
    assert ready.json()["records"] == 2
    await balance_becomes(client, account_id, "-52.40")
