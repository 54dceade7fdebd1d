"""Payment channels across the five services and an SMSC, through HTTP only (P5).

A bank sends a registry file (semicolon-separated): the row for Ana's account number pays it
at once; the row for a number nobody has is kept unmatched, and an operator assigns it
to Bogdan's account, where it is paid once, dated by the row; a row in currency ZZZ can only be
returned. A cash office posts Bogdan's receipt twice without an Idempotency-Key: one payment,
the same one answered again; the same receipt with another amount is refused. Invoicing credits
exactly 100.00 and 65.50 MDL; each payment is told by one SMS, and so is the returned row to
Ana, whose account it names; nothing else is.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
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

PLAN = {
    "name": "SMS 10", "payment_mode": "postpaid", "currency": "MDL", "monthly_fee": "0.00",
    "vat_rate": "0.20", "prices_include_vat": False, "effective_from": "2026-01-01",
    "allowances": [], "prices": [{"type": "sms", "direction": "out", "zone": "*",
                                  "unit_price": "0.50"}],
}
ANA, BOGDAN = "37369300001", "37369300002"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def smsc() -> AsyncIterator[SmscSimulator]:
    simulator = SmscSimulator(port=free_port())
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def suite(
    tmp_path_factory: pytest.TempPathFactory, make_database: Callable[[str], Awaitable[str]],
    amqp_url: str, jwt_key_file: Path, mailbox: tuple[MailBox, int], smsc: SmscSimulator,
) -> AsyncIterator[Suite]:
    """The five services, notifications with the SMSC."""
    suite = Suite(Path(tmp_path_factory.mktemp("e2e-channels")))
    databases = {service: await make_database(f"e2e_channels_{service}") for service in SERVICES}
    env = suite.environment(databases, amqp_url, jwt_key_file, mailbox[1]) | {
        "NOTIFICATIONS_SMPP_PORT": str(smsc.port), "NOTIFICATIONS_SMPP_RECONNECT_INTERVAL": "0.2"}
    suite.start(env)
    try:
        await suite.wait_ready()
        yield suite
    finally:
        suite.stop()


def _file(ana: str) -> str:
    return ("reference;account_or_msisdn;amount;currency;paid_at\n"
            f"BANK-0001;{ana};100.00;MDL;2026-05-03T10:00:00+03:00\n"
            "BANK-0002;+37369399999;45.50;MDL;2026-05-03T12:00:00+03:00\n"
            f"BANK-0003;{ana};1.00;ZZZ;\n")


async def _registry(http: httpx.AsyncClient, suite: Suite, op: dict[str, str],
                    ana: str) -> dict[str, Any]:
    """The bank's file; Ana's row paid at once, the two others kept."""
    partner = await token(http, suite, "partner")
    payments = suite.url("payments")
    await eventually(lambda: http.get(f"{payments}/v1/accounts/{ana}/payments", headers=op),
                     lambda r: r.status_code == 200)  # payments learns of accounts by events
    sent = await http.post(f"{payments}/v1/payment-registries", content=_file(ana).encode(),
                           headers=partner | {"Content-Type": "text/csv"})
    assert sent.status_code == 201, sent.text
    report: dict[str, Any] = sent.json()
    assert (report["rows"], report["matched"], report["duplicates"]) == (3, 1, 0)
    rows = await http.get(f"{payments}/v1/payment-registries/{report['id']}/rows",
                          params={"status": "unmatched"}, headers=op)
    assert [(r["row"], r["problem"]) for r in rows.json()["items"]] == [
        (2, "unknown_account"), (3, "invalid_amount")]
    return report


async def _settle(http: httpx.AsyncClient, suite: Suite, op: dict[str, str], registry_id: str,
                  bogdan: str) -> dict[str, Any]:
    """The operator pays row 2 into Bogdan's account (twice: one payment) and returns row 3."""
    url = f"{suite.url('payments')}/v1/payment-registries/{registry_id}/rows/2/assignment"
    assigned = [await eventually(  # until payments has heard of Bogdan's line (422 till then)
        lambda: http.post(url, headers=op, json={"msisdn": f"+{BOGDAN}"}),
        lambda r: r.status_code != 422) for _ in range(2)]
    url = url.removesuffix("/2/assignment")
    returned = await http.post(f"{url}/3/rejection", headers=op,
                               json={"outcome": "return", "reason": "currency ZZZ unknown"})
    assert [r.status_code for r in assigned] == [200, 200] and assigned[0].json() == assigned[1].json()
    assert (returned.status_code, returned.json()["status"]) == (200, "returned")
    row: dict[str, Any] = assigned[0].json()
    assert row["account_id"] == bogdan
    return row


async def _cash(http: httpx.AsyncClient, suite: Suite, bogdan: str) -> None:
    partner = await token(http, suite, "partner")
    url = f"{suite.url('payments')}/v1/payments/offline"
    body = {"account_id": bogdan, "amount": "20.00", "currency": "MDL", "channel": "cash",
            "reference": "CASH-7781"}
    first = await http.post(url, headers=partner, json=body)
    again = await http.post(url, headers=partner, json=body)
    other = await http.post(url, headers=partner, json=body | {"amount": "2.00"})
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 409)
    assert again.json()["id"] == first.json()["id"]
    assert other.headers["content-type"] == "application/problem+json"


async def _balance(http: httpx.AsyncClient, suite: Suite, op: dict[str, str],
                   account_id: str, expected: str) -> None:
    await eventually(lambda: http.get(
        f"{suite.url('invoicing')}/v1/accounts/{account_id}/balance", headers=op),
        lambda r: r.status_code == 200 and Decimal(r.json()["balance"]) == Decimal(expected))


async def _wait_sms(smsc: SmscSimulator, msisdn: str, count: int) -> list[str]:
    for _ in range(150):
        if len(smsc.to(f"+{msisdn}")) >= count:
            return sorted(sms.text for sms in smsc.to(f"+{msisdn}"))
        await asyncio.sleep(0.2)
    raise AssertionError(f"no SMS to {msisdn}: {smsc.messages}")


async def test_registry_rows_matched_by_hand_and_cash_posted_twice_pay_once(
    suite: Suite, smsc: SmscSimulator,
) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        await move_clocks(http, suite, "2026-05-02T09:00:00+00:00")
        op = await token(http, suite, "operator")
        plan = await http.put(f"{suite.url('rating')}/v1/plans/sms-10", headers=op, json=PLAN)
        assert plan.status_code == 201, plan.text
        ana = await open_account(http, suite, op, Subscriber(ANA, "sms-10", email="ana@example.md"))
        bogdan = await open_account(http, suite, op, Subscriber(BOGDAN, "sms-10",
                                                                email="bogdan@example.md"))
        report = await _registry(http, suite, op, ana)
        row = await _settle(http, suite, op, report["id"], bogdan)
        await _cash(http, suite, bogdan)
        await _balance(http, suite, op, ana, "100.00")
        await _balance(http, suite, op, bogdan, "65.50")
        history = await http.get(f"{suite.url('payments')}/v1/accounts/{bogdan}/payments",
                                 headers=op)
        paid = await http.get(f"{suite.url('payments')}/v1/payments/{row['payment_id']}",
                              headers=op)
        to_ana, to_bogdan = await _wait_sms(smsc, ANA, 2), await _wait_sms(smsc, BOGDAN, 2)
        await asyncio.sleep(1)  # a repeated notice would follow the first ones
    assert sorted((p["channel"], p["amount"]) for p in history.json()["items"]) == [
        ("cash", "20.00"), ("registry", "45.50")]
    assert paid.json()["paid_at"] == "2026-05-03T09:00:00Z"
    assert to_ana == sorted([  # the returned row names Ana's account: she is told of it
        f"Am primit plata de 100.00 MDL pentru contul {ana}. Vă mulțumim!",
        f"Plata de 1.00 ZZZ (referința BANK-0003) pentru contul {ana} nu a putut fi "
        "înregistrată și se returnează plătitorului: currency ZZZ unknown."])
    assert to_bogdan == sorted(f"Am primit plata de {amount} MDL pentru contul {bogdan}. "
                               "Vă mulțumim!" for amount in ("45.50", "20.00"))
    assert len(smsc.to(f"+{ANA}")) == 2 and len(smsc.to(f"+{BOGDAN}")) == 2
