"""Two subscribers with a May invoice each, prepared through the services' APIs as an operator.

``debtor`` gets paper bills (to switch to e-bill) and stays in debt (for a promised payment);
``payer`` pays its invoice by card; each of them sent 10 SMS in May. ``traveller`` has a line and
no invoice (to suspend and resume), nor has ``caller`` (to change the tariff and ask for a
detailed bill). ``reader``'s customer speaks Russian (the cabinet opens in it); ``saver`` paid
at the cash office more often than a page shows (movements and payments paged). Every line has
a voice allowance; the others' customers speak English.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import httpx

from ..e2e.drive import eventually, move_clocks, token
from ..e2e.processes import Suite

__all__ = ["CASH_PAYMENTS", "PLAN", "PLUS", "Person", "issue_login", "prepare"]

PLAN = {
    "name": "Smart Browser", "payment_mode": "postpaid", "currency": "MDL", "monthly_fee": "0.00",
    "vat_rate": "0.20", "prices_include_vat": False, "effective_from": "2026-01-01",
    "allowances": [{"type": "voice", "direction": "out", "zone": "*", "quantity": 100}],
    "prices": [{"type": "sms", "direction": "out", "zone": "*", "unit_price": "0.50"},
               {"type": "voice", "direction": "out", "zone": "*", "unit_price": "0.60",
                "first_increment": 60, "next_increment": 60}],
}
PLUS = PLAN | {"name": "Browser Plus", "monthly_fee": "99.00"}
SMS_SENT = 10  # 10 × 0.50 = 5.00 net + 1.00 VAT = 6.00 on each invoice
AMOUNT_DUE = "6.00"
INVOICED = ("debtor", "payer")
CASH_PAYMENTS = 55  # more than a page of movements (50) and of payments (20)


@dataclass(frozen=True, slots=True)
class Person:
    msisdn: str
    medium: str
    account_id: str = ""
    invoice_id: str = ""
    invoice_number: str = ""
    language: str = "en"


async def prepare(http: httpx.AsyncClient, suite: Suite) -> dict[str, Person]:
    await move_clocks(http, suite, "2026-05-25T09:00:00+00:00")
    op = await token(http, suite, "operator")
    plan = await http.put(f"{suite.url('rating')}/v1/plans/BROWSER", headers=op, json=PLAN)
    assert plan.status_code in (200, 201), plan.text
    plus = await http.put(f"{suite.url('rating')}/v1/plans/BROWSERPLUS", headers=op, json=PLUS)
    assert plus.status_code in (200, 201), plus.text
    people = {"debtor": Person("37369100001", "paper"), "payer": Person("37369100002", "ebill"),
              "traveller": Person("37369100003", "ebill"), "caller": Person("37369100004", "ebill"),
              "reader": Person("37369100005", "ebill", language="ru"),
              "saver": Person("37369100006", "ebill")}
    opened = {name: await _open(http, suite, op, who) for name, who in people.items()}
    for name in INVOICED:
        await _usage(http, suite, op, opened[name].msisdn)
    await _cash(http, suite, op, opened["saver"].account_id)
    await _bill(http, suite, op)
    return opened | {name: await _invoiced(http, suite, op, opened[name]) for name in INVOICED}


async def _open(http: httpx.AsyncClient, suite: Suite, op: dict[str, str], who: Person) -> Person:
    accounts = suite.url("accounts")
    customer = await http.post(f"{accounts}/v1/customers", headers=op, json={
        "kind": "person", "name": "Ana Rusu", "email": f"{who.msisdn}@example.md",
        "phone": f"+{who.msisdn}", "language": who.language, "address": "str. Pușkin 22, Chișinău"})
    assert customer.status_code == 201, customer.text
    delivery = ({"medium": "paper", "address": "str. Pușkin 22, Chișinău"}
                if who.medium == "paper" else {"medium": "ebill", "email": f"{who.msisdn}@example.md"})
    account = await http.post(f"{accounts}/v1/accounts", headers=op, json={
        "customer_id": customer.json()["id"], "payment_mode": "postpaid", "currency": "MDL",
        "timezone": "Europe/Chisinau", "bill_delivery": delivery})
    assert account.status_code == 201, account.text
    account_id = account.json()["id"]
    await eventually(lambda: http.post(f"{accounts}/v1/accounts/{account_id}/lines", headers=op, json={
        "msisdn": who.msisdn, "plan_code": "BROWSER", "connected_at": "2026-05-01T00:00:00+00:00"}),
        lambda r: r.status_code == 201)
    await eventually(lambda: http.get(f"{suite.url('rating')}/v1/lines/{who.msisdn}/allowances",
                                      headers=op), lambda r: r.status_code == 200)
    return Person(who.msisdn, who.medium, account_id, language=who.language)


async def _cash(http: httpx.AsyncClient, suite: Suite, op: dict[str, str], account_id: str) -> None:
    """``CASH_PAYMENTS`` payments at the cash office, each a movement once invoicing hears of it."""
    payments = suite.url("payments")
    for i in range(CASH_PAYMENTS):
        body = {"account_id": account_id, "amount": f"{i + 1}.00", "currency": "MDL",
                "channel": "cash", "reference": f"cash-{account_id}-{i}"}
        await eventually(partial(http.post, f"{payments}/v1/payments/offline", headers=op, json=body),
                         lambda r: r.status_code == 201)
    ledger = f"{suite.url('invoicing')}/v1/accounts/{account_id}/ledger"
    await eventually(lambda: http.get(ledger, headers=op),
                     lambda r: r.status_code == 200 and len(r.json()) == CASH_PAYMENTS, timeout=60)


async def _usage(http: httpx.AsyncClient, suite: Suite, op: dict[str, str], msisdn: str) -> None:
    records = [{"id": f"sms-{msisdn}-{i}", "msisdn": msisdn, "type": "sms", "direction": "out",
                "started_at": f"2026-05-{15 + i:02d}T09:00:00+00:00", "quantity": 1,
                "other_party": "37322123456"} for i in range(SMS_SENT)]
    rated = await http.post(f"{suite.url('rating')}/v1/usage", headers=op, json={"records": records})
    assert rated.json()["accepted"] == SMS_SENT, rated.text


async def _bill(http: httpx.AsyncClient, suite: Suite, op: dict[str, str]) -> None:
    invoicing = suite.url("invoicing")
    await move_clocks(http, suite, "2026-06-01T06:00:00+00:00")
    run = await http.post(f"{invoicing}/v1/billing-runs", headers=op, json={"period_end": "2026-05-31"})
    assert run.status_code == 202, run.text
    await eventually(lambda: http.get(f"{invoicing}/v1/billing-runs/{run.json()['id']}", headers=op),
                     lambda r: r.json().get("status") == "completed", timeout=60)


async def _invoiced(http: httpx.AsyncClient, suite: Suite, op: dict[str, str], who: Person) -> Person:
    url = f"{suite.url('invoicing')}/v1/accounts/{who.account_id}/invoices"
    listed = await eventually(lambda: http.get(url, headers=op), lambda r: len(r.json()) == 1)
    invoice = listed.json()[0]
    assert invoice["amount_due"] == AMOUNT_DUE, invoice
    await eventually(  # accounts learns the balance from invoicing's events
        lambda: http.get(f"{suite.url('accounts')}/v1/accounts/{who.account_id}", headers=op),
        lambda r: r.json()["balance"] == f"-{AMOUNT_DUE}")
    return Person(who.msisdn, who.medium, who.account_id, invoice["id"], invoice["number"],
                  who.language)


async def issue_login(http: httpx.AsyncClient, suite: Suite, account_id: str, login: str) -> str:
    """The operator issues a subscriber login; its one-time setup code."""
    op = await token(http, suite, "operator")
    issued = await http.post(f"{suite.url('accounts')}/v1/accounts/{account_id}/login", headers=op,
                             json={"login": login})
    assert issued.status_code == 201, issued.text
    code: str = issued.json()["setup_code"]
    return code
