"""After the billing run: e-bills saved as PDF files, an SMS-code login and a card payment
through the sandbox gateway, a promised payment, cash at a partner's desk."""

from __future__ import annotations

import asyncio
import re
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from demo_drive import Demo, Opened, eventually

__all__ = ["card_payment", "cash_payments", "invoices_of", "promised_payment", "save_ebills",
           "sms_login"]

CODE = re.compile(r":\s*(\d{4,8})\.(?:\s|$)")


async def invoices_of(demo: Demo, people: list[Opened]) -> dict[str, list[dict[str, Any]]]:
    return {o.account_id: await demo.call("GET", "invoicing", f"/v1/accounts/{o.account_id}/invoices")
            for o in people}


async def save_ebills(demo: Demo, people: list[Opened], invoices: dict[str, list[dict[str, Any]]],
                      folder: Path) -> int:
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    saved = 0
    for opened in (o for o in people if o.who.medium == "ebill"):
        for invoice in invoices[opened.account_id]:
            pdf = await demo.call("GET", "invoicing", f"/v1/invoices/{invoice['id']}/pdf")
            name = re.sub(r"[^A-Za-z0-9._-]", "_", invoice["number"])
            await asyncio.to_thread((folder / f"{name}.pdf").write_bytes, pdf.content)
            saved += 1
    return saved


async def sms_login(demo: Demo, msisdn: str) -> dict[str, str]:
    """The subscriber asks for a code, reads it in the SMS and signs in with it."""
    before = len(demo.stack.smsc.to(msisdn))
    await demo.call("POST", "accounts", "/v1/auth/otp", json={"msisdn": msisdn})
    code = await _code(demo, msisdn, before)
    answer = await demo.http.post(demo.url("accounts", "/v1/auth/otp/verify"),
                                  json={"msisdn": msisdn, "code": code})
    answer.raise_for_status()
    demo.tokens[msisdn] = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    return demo.tokens[msisdn]


async def _code(demo: Demo, msisdn: str, before: int, timeout: float = 30) -> str:
    """The code of the access-code SMS among those that came after ``before`` (a bill or
    balance notice may arrive in between): "…: 123456. …" in each language."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in demo.stack.smsc.to(msisdn)[before:]:
            if found := CODE.search(message.text):
                return found.group(1)
        await asyncio.sleep(0.2)
    raise RuntimeError(f"no one-time code reached {msisdn}")


async def card_payment(demo: Demo, opened: Opened, invoice: dict[str, Any]) -> dict[str, Any]:
    """The signed-in subscriber pays its invoice on the gateway's page with the 4242 test card."""
    started = await demo.call("POST", "payments", "/v1/payments", as_=opened.who.msisdn,
                              headers={"Idempotency-Key": f"card-{invoice['id']}"}, json={
        "account_id": opened.account_id, "invoice_id": invoice["id"], "purpose": "invoice",
        "amount": invoice["amount_due"], "currency": invoice["currency"],
        "return_url": "http://127.0.0.1/demo/paid"})
    session = started["redirect_url"].rstrip("/").rsplit("/", 1)[-1]
    confirmed = await demo.http.post(demo.url("gateway", f"/pay/{session}/confirm"),
                                     data={"outcome": "success"})
    if confirmed.status_code != 303:
        raise RuntimeError(f"the gateway page answered {confirmed.status_code} {confirmed.text}")
    done = await eventually(lambda: demo.http.get(
        demo.url("payments", f"/v1/payments/{started['id']}"), headers=demo.tokens["operator"]),
        lambda r: r.json()["status"] not in ("requires_action", "processing"))
    paid: dict[str, Any] = done.json()
    demo.payments.append(paid)
    return paid


async def promised_payment(demo: Demo, opened: Opened) -> dict[str, Any]:
    """A subscriber in debt is granted a promised payment (accounts learns the debt by event)."""
    await eventually(lambda: demo.http.get(
        demo.url("accounts", f"/v1/accounts/{opened.account_id}"), headers=demo.tokens["operator"]),
        lambda r: Decimal(r.json()["balance"]) < 0)
    promise: dict[str, Any] = await demo.call(
        "POST", "accounts", f"/v1/accounts/{opened.account_id}/promised-payment")
    return promise


async def cash_payments(demo: Demo, payers: list[tuple[Opened, dict[str, Any]]]) -> list[dict[str, Any]]:
    return [await demo.cash(o.account_id, invoice["amount_due"], f"CASH-{invoice['number']}")
            for o, invoice in payers if Decimal(invoice["amount_due"]) > 0]
