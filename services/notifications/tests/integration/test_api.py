"""The deliveries and templates API: roles, accounts, template overrides, problem+json."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from decimal import Decimal
from email.message import EmailMessage
from typing import Any

import httpx
from notifications.settings import NotificationsSettings
from tarifa.auth import Role
from tarifa.messaging.catalogue import AccountOpened, InvoiceIssued
from tarifa.testing.apps import bearer
from tarifa.testing.events import publish_event
from tarifa.tokens import TokenSigner

TEMPLATE = "/v1/templates/invoicing.invoice.issued/email/en"


def _problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["type"].startswith("https://tarifa.dev/problems/")
    return body


async def _mail_to(mailbox: Any, recipient: str) -> EmailMessage:
    for _ in range(300):
        if mailbox.to(recipient):
            message: EmailMessage = mailbox.to(recipient)[0]
            return message
        await asyncio.sleep(0.1)
    raise AssertionError(f"no mail to {recipient}")


async def test_a_stored_template_shapes_the_next_email(
    client: httpx.AsyncClient, settings: NotificationsSettings, token_signer: TokenSigner,
    mailbox: Any, invoicing: Any,
) -> None:
    body = {"subject": "Your bill $number", "body": "Pay $amount_due $currency by $due_date.\n"}
    stored = await client.put(TEMPLATE, json=body, headers=bearer(token_signer))
    assert stored.status_code == 200, stored.text
    read = await client.get(TEMPLATE, headers=bearer(token_signer))
    assert read.json() == stored.json() == {"event": "invoicing.invoice.issued",
                                            "channel": "email", "language": "en", **body}
    account_id, email, invoice_id = str(uuid.uuid4()), "reader@example.md", str(uuid.uuid4())
    await publish_event(settings.amqp_url, AccountOpened(
        account_id=account_id, customer_id="c", payment_mode="postpaid", currency="MDL",
        timezone="Europe/Chisinau", language="en", bill_delivery={"medium": "ebill", "email": email}))
    invoicing.documents[invoice_id] = b"%PDF-1.7 test"
    await publish_event(settings.amqp_url, InvoiceIssued(
        invoice_id=invoice_id, number="TF-7", account_id=account_id, period_start=date(2026, 5, 1),
        period_end=date(2026, 5, 31), total_charges=Decimal("10.00"), amount_due=Decimal("12.50"),
        due_date=date(2026, 6, 16), currency="MDL"))
    message = await _mail_to(mailbox, email)
    assert message["Subject"] == "Your bill TF-7"
    part = message.get_body(preferencelist=("plain",))
    assert part is not None and part.get_content().strip() == "Pay 12.50 MDL by 2026-06-16."


async def test_the_built_in_templates_are_readable_per_language(
    client: httpx.AsyncClient, token_signer: TokenSigner,
) -> None:
    ro = await client.get("/v1/templates/invoicing.invoice.issued/email/ro", headers=bearer(token_signer))
    ru = await client.get("/v1/templates/invoicing.invoice.issued/email/ru", headers=bearer(token_signer))
    assert ro.status_code == ru.status_code == 200
    assert "plată" in ro.json()["body"] and "Счёт" in ru.json()["subject"]


async def test_bad_templates_are_refused_and_change_nothing(
    client: httpx.AsyncClient, token_signer: TokenSigner,
) -> None:
    op = bearer(token_signer)
    before = (await client.get("/v1/templates/invoicing.invoice.issued/email/ro", headers=op)).json()
    path = "/v1/templates/invoicing.invoice.issued/email/ro"
    unknown = _problem(await client.put(path, json={"body": "IBAN $iban"}, headers=op), 422)
    assert "iban" in unknown["detail"] and unknown["errors"][0]["field"] == "body"
    _problem(await client.put(path, json={"body": "cost: 5$"}, headers=op), 422)
    _problem(await client.put(path, json={"subject": "a\nb", "body": "x"}, headers=op), 422)
    _problem(await client.put(path, json={"body": ""}, headers=op), 422)
    _problem(await client.put(path, json={"body": "x", "extra": 1}, headers=op), 422)
    sms = "/v1/templates/invoicing.invoice.issued/sms/ro"
    _problem(await client.put(sms, json={"subject": "s", "body": "x"}, headers=op), 422)
    for bad in ("/v1/templates/invoicing.invoice.issued/fax/ro",
                "/v1/templates/invoicing.invoice.issued/email/de"):
        _problem(await client.put(bad, json={"body": "x"}, headers=op), 422)
    _problem(await client.put("/v1/templates/nobody.nothing.done/email/ro", json={"body": "x"},
                              headers=op), 404)
    after = (await client.get("/v1/templates/invoicing.invoice.issued/email/ro", headers=op)).json()
    assert after == before


async def test_tokens_roles_and_accounts_are_enforced(
    client: httpx.AsyncClient, token_signer: TokenSigner,
) -> None:
    _problem(await client.get("/v1/notifications"), 401)
    _problem(await client.get("/v1/notifications", headers={"Authorization": "Bearer x.y.z"}), 401)
    _problem(await client.put(TEMPLATE, json={"body": "x"}), 401)
    subscriber = bearer(token_signer, Role.SUBSCRIBER, account_id="acc-1")
    _problem(await client.put(TEMPLATE, json={"body": "x"}, headers=subscriber), 403)
    _problem(await client.get("/v1/notifications", headers=bearer(token_signer, Role.PARTNER)), 403)
    _problem(await client.get("/v1/notifications", params={"account_id": "acc-2"},
                              headers=subscriber), 404)
    own = await client.get("/v1/notifications", headers=subscriber)
    assert own.status_code == 200 and own.json() == []
    _problem(await client.get("/v1/notifications", params={"limit": 0}, headers=bearer(token_signer)),
             422)
