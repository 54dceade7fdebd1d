"""Autopay across the five services, the sandbox card gateway and an SMSC, through HTTP only.

Two postpaid accounts register a card on the gateway's hosted page and pay their invoices by
autopay. The billing run issues both invoices (6.00 MDL each); the good card pays its invoice
on issue (payments → invoicing: invoice paid, balance 0, the payment notice by SMS); the card
whose charges are declined leaves its invoice open and its subscriber gets one autopay failed
notice by SMS, with the next attempt a day later.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from notifications.adapters.smsc_simulator import SmscSimulator

from .drive import Subscriber, eventually, move_clocks, open_account, token
from .mail import MailBox
from .processes import SERVICES, Suite, free_port

SECRET = "e2e-sandbox-webhook-secret-0123456789"
PLAN = {
    "name": "SMS 50", "payment_mode": "postpaid", "currency": "MDL", "monthly_fee": "0.00",
    "vat_rate": "0.20", "prices_include_vat": False, "effective_from": "2026-01-01",
    "allowances": [], "prices": [{"type": "sms", "direction": "out", "zone": "*",
                                  "unit_price": "0.50"}],
}
GOOD, DECLINED = "37369100001", "37369100002"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``python -m payments.sandbox`` on a free port; its base URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, GATEWAY_PORT=str(port), GATEWAY_PUBLIC_URL=url,
               GATEWAY_WEBHOOK_SECRET=SECRET, GATEWAY_WEBHOOK_BACKOFF="0.2")
    log = (tmp_path_factory.mktemp("sandbox") / "sandbox.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "payments.sandbox"], env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{url}/health/live").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def smsc() -> AsyncIterator[SmscSimulator]:
    simulator = SmscSimulator(port=free_port())
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def suite(
    tmp_path_factory: pytest.TempPathFactory, make_database: Callable[[str], Awaitable[str]],
    amqp_url: str, jwt_key_file: Path, mailbox: tuple[MailBox, int], sandbox: str,
    smsc: SmscSimulator,
) -> AsyncIterator[Suite]:
    """The five services, payments with the sandbox gateway, notifications with the SMSC."""
    suite = Suite(Path(tmp_path_factory.mktemp("e2e-autopay")))
    databases = {service: await make_database(f"e2e_autopay_{service}") for service in SERVICES}
    env = suite.environment(databases, amqp_url, jwt_key_file, mailbox[1]) | {
        "PAYMENTS_GATEWAY_URL": sandbox, "PAYMENTS_GATEWAY_WEBHOOK_SECRET": SECRET,
        "PAYMENTS_PUBLIC_URL": suite.url("payments"), "NOTIFICATIONS_SMPP_PORT": str(smsc.port),
        "NOTIFICATIONS_SMPP_RECONNECT_INTERVAL": "0.2"}
    suite.start(env)
    try:
        await suite.wait_ready()
        yield suite
    finally:
        suite.stop()


def _records(msisdn: str) -> list[dict[str, Any]]:
    """10 SMS at 0.50: 5.00 net, 1.00 VAT, 6.00 gross."""
    return [{"id": f"cdr-{msisdn}-{i}", "msisdn": msisdn, "type": "sms", "direction": "out",
             "started_at": f"2026-05-{10 + i:02d}T10:00:00+00:00", "quantity": 1,
             "other_party": "37322123456"} for i in range(10)]


async def _card(http: httpx.AsyncClient, suite: Suite, op: dict[str, str], account_id: str,
                outcome: str) -> None:
    """Register a card on the gateway's page and make it the account's autopay card."""
    payments = f"{suite.url('payments')}/v1/accounts/{account_id}"
    started = await eventually(lambda: http.post(
        f"{payments}/payment-methods", headers=op, json={"return_url": "https://selfcare.example/"}),
        lambda r: r.status_code == 201)
    method = started.json()
    page = await http.get(method["redirect_url"])
    assert page.status_code == 200 and outcome in page.text
    await http.post(f"{method['redirect_url']}/confirm", data={"outcome": outcome})
    await eventually(lambda: http.get(f"{payments}/payment-methods/{method['id']}", headers=op),
                     lambda r: r.json()["status"] == "active")
    mandate = await http.put(f"{payments}/autopay", headers=op,
                             json={"payment_method_id": method["id"], "mode": "invoice"})
    assert mandate.status_code == 200, mandate.text


async def _bill(http: httpx.AsyncClient, suite: Suite, op: dict[str, str]) -> None:
    invoicing = suite.url("invoicing")
    await move_clocks(http, suite, "2026-06-01T06:00:00+00:00")
    run = await http.post(f"{invoicing}/v1/billing-runs", headers=op,
                          json={"period_end": "2026-05-31"})
    assert run.status_code == 202, run.text
    await eventually(lambda: http.get(f"{invoicing}/v1/billing-runs/{run.json()['id']}",
                                      headers=op), lambda r: r.json().get("status") == "completed")


async def _invoice(http: httpx.AsyncClient, suite: Suite, op: dict[str, str],
                   account_id: str, status: str) -> dict[str, Any]:
    url = f"{suite.url('invoicing')}/v1/accounts/{account_id}/invoices"
    listed = await eventually(lambda: http.get(url, headers=op), lambda r: len(r.json()) == 1)
    invoice_url = f"{suite.url('invoicing')}/v1/invoices/{listed.json()[0]['id']}"
    found = await eventually(lambda: http.get(invoice_url, headers=op),
                             lambda r: r.json()["status"] == status)
    body: dict[str, Any] = found.json()
    return body


async def _balance(http: httpx.AsyncClient, suite: Suite, op: dict[str, str],
                   account_id: str, expected: str) -> None:
    await eventually(lambda: http.get(
        f"{suite.url('invoicing')}/v1/accounts/{account_id}/balance", headers=op),
        lambda r: r.status_code == 200 and Decimal(r.json()["balance"]) == Decimal(expected))


async def test_autopay_pays_one_invoice_and_tells_of_a_declined_card(
    suite: Suite, smsc: SmscSimulator,
) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        await move_clocks(http, suite, "2026-05-02T09:00:00+00:00")
        op = await token(http, suite, "operator")
        plan = await http.put(f"{suite.url('rating')}/v1/plans/sms-50", headers=op, json=PLAN)
        assert plan.status_code == 201, plan.text
        good = await open_account(http, suite, op, Subscriber(GOOD, "sms-50"))
        declined = await open_account(http, suite, op, Subscriber(DECLINED, "sms-50"))
        await _card(http, suite, op, good, "success")
        await _card(http, suite, op, declined, "charges_declined")
        for msisdn in (GOOD, DECLINED):
            rated = await http.post(f"{suite.url('rating')}/v1/usage", headers=op,
                                    json={"records": _records(msisdn)})
            assert rated.json()["accepted"] == 10, rated.text
        await _balance(http, suite, op, good, "-6.00")
        await _balance(http, suite, op, declined, "-6.00")
        await _bill(http, suite, op)
        paid = await _invoice(http, suite, op, good, "paid")
        still_open = await _invoice(http, suite, op, declined, "issued")
        await _balance(http, suite, op, good, "0.00")
        await _balance(http, suite, op, declined, "-6.00")
        negative_good, received = _negative_first(await _wait_sms(smsc, GOOD, 2))
        negative_declined, told = _negative_first(await _wait_sms(smsc, DECLINED, 2))
        await asyncio.sleep(1)
    assert Decimal(paid["amount_due"]) == Decimal(still_open["amount_due"]) == Decimal("6.00")
    assert "este negativ: -6.00 MDL" in negative_good.text and "-6.00 MDL" in negative_declined.text
    assert received.text == f"Am primit plata de 6.00 MDL pentru contul {good}. Vă mulțumim!"
    assert told.text == (f"Plata automată de 6.00 MDL pentru contul {declined} nu a reușit "
                         "(încercarea 1: card_declined). Următoarea încercare: 02.06.2026 09:00. "
                         "Verificați cardul sau plătiți în contul de abonat.")
    assert len(_sms(smsc, GOOD)) == len(_sms(smsc, DECLINED)) == 2


def _negative_first(messages: list[Any]) -> list[Any]:
    """The negative balance notice (from the usage), then the other, whichever came first."""
    return sorted(messages, key=lambda sms: "negativ" not in sms.text)


def _sms(smsc: SmscSimulator, msisdn: str) -> list[Any]:
    return smsc.to(f"+{msisdn}")


async def _wait_sms(smsc: SmscSimulator, msisdn: str, count: int) -> list[Any]:
    """The SMS sent to the number, in the order sent, once ``count`` have arrived."""
    for _ in range(150):
        if len(_sms(smsc, msisdn)) >= count:
            return _sms(smsc, msisdn)
        await asyncio.sleep(0.2)
    raise AssertionError(f"no SMS to {msisdn}: {smsc.messages}")
