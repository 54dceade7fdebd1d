"""A subscriber's login and profile across the five services, through their HTTP APIs only.

operator issues a login → the subscriber sets its password with the setup code and signs in →
changes its email, address and language; the operator renames the customer → May's usage is
billed → the statement is headed with the new name and address and the e-bill goes, in English,
to the new email only → wrong passwords lock the login, and an unknown login is answered alike.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from .drive import Subscriber, eventually, move_clocks, open_account, pdf_text, token
from .mail import MailBox
from .processes import Suite

PLAN = {
    "name": "SMS 50", "payment_mode": "postpaid", "currency": "MDL", "monthly_fee": "0.00",
    "vat_rate": "0.20", "prices_include_vat": False, "effective_from": "2026-01-01",
    "allowances": [],
    "prices": [{"type": "sms", "direction": "out", "zone": "*", "unit_price": "0.50"}],
}
MSISDN = "37369000077"
PASSWORD = "correct horse battery"
NEW = {"email": "maria.rusu@example.md", "address": "bd. Dacia 10, Chișinău", "language": "en"}


async def _sign_in(http: httpx.AsyncClient, suite: Suite, op: dict[str, str],
                   account_id: str) -> dict[str, str]:
    accounts = suite.url("accounts")
    issued = await http.post(f"{accounts}/v1/accounts/{account_id}/login", headers=op,
                             json={"login": "ion.popescu"})
    assert issued.status_code == 201, issued.text
    setup = await http.post(f"{accounts}/v1/auth/password", json={
        "login": "ion.popescu", "setup_code": issued.json()["setup_code"], "password": PASSWORD})
    assert setup.status_code == 200, setup.text
    login = await http.post(f"{accounts}/v1/auth/login",
                            json={"login": "ion.popescu", "password": PASSWORD})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


async def _change_profile(http: httpx.AsyncClient, suite: Suite, op: dict[str, str],
                          own: dict[str, str], account_id: str) -> None:
    accounts = suite.url("accounts")
    changed = await http.patch(f"{accounts}/v1/accounts/{account_id}/profile", headers=own,
                               json=NEW)
    assert changed.status_code == 200, changed.text
    renamed = await http.patch(f"{accounts}/v1/customers/{changed.json()['id']}", headers=op,
                               json={"name": "Maria Rusu"})
    assert renamed.status_code == 200, renamed.text
    account = (await http.get(f"{accounts}/v1/accounts/{account_id}", headers=own)).json()
    assert account["bill_delivery"]["email"] == NEW["email"]


async def _rate_and_bill(http: httpx.AsyncClient, suite: Suite, op: dict[str, str],
                         account_id: str) -> dict[str, Any]:
    records = [{"id": f"sms-{i:02d}", "msisdn": MSISDN, "type": "sms", "direction": "out",
                "started_at": f"2026-05-{10 + i:02d}T10:00:00+00:00", "quantity": 1,
                "other_party": "37322123456"} for i in range(10)]
    rated = await http.post(f"{suite.url('rating')}/v1/usage", headers=op,
                            json={"records": records})
    assert rated.json()["accepted"] == 10, rated.text
    invoicing = suite.url("invoicing")
    await eventually(lambda: http.get(f"{invoicing}/v1/accounts/{account_id}/balance",
                                      headers=op), lambda r: r.json().get("balance") == "-6.00")
    await move_clocks(http, suite, "2026-06-01T06:00:00+00:00")
    run = await http.post(f"{invoicing}/v1/billing-runs", headers=op,
                          json={"period_end": "2026-05-31"})
    assert run.status_code == 202, run.text
    await eventually(lambda: http.get(f"{invoicing}/v1/billing-runs/{run.json()['id']}",
                                      headers=op), lambda r: r.json().get("status") == "completed")
    [listed] = (await http.get(f"{invoicing}/v1/accounts/{account_id}/invoices",
                               headers=op)).json()
    invoice: dict[str, Any] = (await http.get(f"{invoicing}/v1/invoices/{listed['id']}",
                                              headers=op)).json()
    return invoice


async def _check_statement(http: httpx.AsyncClient, suite: Suite, op: dict[str, str],
                           invoice: dict[str, Any], mailbox: MailBox) -> None:
    assert Decimal(invoice["total_charges"]) == Decimal("6.00")
    pdf = await http.get(f"{suite.url('invoicing')}/v1/invoices/{invoice['id']}/pdf", headers=op)
    assert pdf.status_code == 200, pdf.text
    text = await pdf_text(pdf.content)
    assert "Maria Rusu" in text and "bd. Dacia 10" in text and "Ion Popescu" not in text
    [message] = await mailbox.wait(1)
    assert message["To"] == NEW["email"]
    assert message["Subject"] == f"Invoice {invoice['number']} for 2026-05-01 – 2026-05-31"
    assert [part.get_content() for part in message.iter_attachments()] == [pdf.content]


async def _check_lockout(http: httpx.AsyncClient, suite: Suite) -> None:
    url = f"{suite.url('accounts')}/v1/auth/login"
    unknown = await http.post(url, json={"login": "nobody.here", "password": "wrong password"})
    for _ in range(5):
        wrong = await http.post(url, json={"login": "ion.popescu", "password": "wrong password"})
        assert (wrong.status_code, wrong.json()["detail"]) == (401, unknown.json()["detail"])
    locked = await http.post(url, json={"login": "ion.popescu", "password": PASSWORD})
    assert (locked.status_code, locked.json()["type"]) == (401, unknown.json()["type"])


async def test_a_profile_changed_through_a_password_login_reaches_the_next_statement(
    suite: Suite, mailbox: tuple[MailBox, int],
) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        await move_clocks(http, suite, "2026-05-02T09:00:00+00:00")
        op = await token(http, suite, "operator")
        plan = await http.put(f"{suite.url('rating')}/v1/plans/sms-50", headers=op, json=PLAN)
        assert plan.status_code == 201, plan.text
        account_id = await open_account(http, suite, op, Subscriber(MSISDN, "sms-50"))
        own = await _sign_in(http, suite, op, account_id)
        await _change_profile(http, suite, op, own, account_id)
        invoice = await _rate_and_bill(http, suite, op, account_id)
        await _check_statement(http, suite, op, invoice, mailbox[0])
        await _check_lockout(http, suite)
