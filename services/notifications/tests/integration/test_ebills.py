"""E-bills for issued invoices: real PostgreSQL, RabbitMQ, SMTP server and invoicing HTTP server.

An issued invoice also plans an SMS notice; these tests look at the email deliveries only.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from email.message import EmailMessage
from typing import Any

import httpx
from notifications.bootstrap import MIGRATIONS, build_app
from notifications.settings import NotificationsSettings
from tarifa.auth import Role
from tarifa.db import prepare_database
from tarifa.messaging.catalogue import AccountOpened, AccountUpdated, InvoiceIssued
from tarifa.messaging.envelope import CloudEvent
from tarifa.testing.apps import bearer, running_client
from tarifa.testing.events import publish_event, tap_events
from tarifa.tokens import TokenSigner

PDF = b"%PDF-1.7\n% signed invoice\n" + bytes(range(256)) + b"\n%%EOF\n"
Rows = list[dict[str, Any]]


async def _open(settings: NotificationsSettings, *, language: str = "ro",
                bill_delivery: dict[str, str] | None = None) -> tuple[str, str]:
    account_id, email = str(uuid.uuid4()), f"{uuid.uuid4().hex[:8]}@example.md"
    await publish_event(settings.amqp_url, AccountOpened(
        account_id=account_id, customer_id="c1", payment_mode="postpaid", currency="MDL",
        timezone="Europe/Chisinau", language=language, email="customer@example.md",
        customer_name="Ion Popescu",
        bill_delivery=bill_delivery or {"medium": "ebill", "email": email}))
    return account_id, email


async def _issue(settings: NotificationsSettings, account_id: str,
                 event_id: str | None = None) -> CloudEvent:
    invoice_id = str(uuid.uuid4())
    return await publish_event(settings.amqp_url, InvoiceIssued(
        invoice_id=invoice_id, number=f"TF-2026/{invoice_id[:6]}", account_id=account_id,
        period_start=date(2026, 5, 1), period_end=date(2026, 5, 31),
        total_charges=Decimal("69.60"), amount_due=Decimal("69.60"),
        due_date=date(2026, 6, 16), currency="MDL"), subject=account_id, event_id=event_id)


async def _deliveries(client: httpx.AsyncClient, secret: str, account_id: str) -> Rows:
    response = await client.get("/v1/notifications", params={"account_id": account_id},
                                headers=bearer(secret))
    assert response.status_code == 200, response.text
    rows: Rows = [row for row in response.json() if row["channel"] == "email"]
    return rows


async def _until(client: httpx.AsyncClient, secret: str, account_id: str,
                 done: Callable[[Rows], bool]) -> Rows:
    for _ in range(300):
        rows = await _deliveries(client, secret, account_id)
        if done(rows):
            return rows
        await asyncio.sleep(0.1)
    raise AssertionError(f"deliveries of {account_id} never got there: {rows}")


def _status(status: str, **more: Any) -> Callable[[Rows], bool]:
    return lambda rows: len(rows) == 1 and rows[0]["status"] == status and all(
        rows[0][k] == v for k, v in more.items())


async def _mail_to(mailbox: Any, recipient: str) -> EmailMessage:
    for _ in range(300):
        if mailbox.to(recipient):
            message: EmailMessage = mailbox.to(recipient)[0]
            return message
        await asyncio.sleep(0.1)
    raise AssertionError(f"no mail to {recipient}")


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    assert part.get_content_charset() == "utf-8"
    return str(part.get_content())


def _attachments(message: EmailMessage) -> list[bytes]:
    return [part.get_content() for part in message.iter_attachments()]


async def test_an_issued_invoice_sends_one_ebill_with_the_pdf_in_romanian(
    client: httpx.AsyncClient, settings: NotificationsSettings, token_signer: TokenSigner,
    mailbox: Any, invoicing: Any,
) -> None:
    async with tap_events(settings.amqp_url, ["notifications.message.sent"]) as tap:
        account_id, email = await _open(settings)
        issued = await _issue(settings, account_id)
        invoicing.documents[issued.data["invoice_id"]] = PDF
        message = await _mail_to(mailbox, email)
        [sent] = await tap.wait_for("notifications.message.sent", account_id=account_id)
    [row] = await _until(client, token_signer, account_id, _status("sent"))
    assert message["Subject"] == (f"Factura nr. {issued.data['number']} pentru perioada "
                                  "01.05.2026 – 31.05.2026")
    assert message["Message-ID"] == f"<{issued.id}.email@tarifa.local>"
    assert message["From"] == "billing@tarifa.local"
    text = _text(message)
    assert "Suma de plată: 69.60 MDL" in text and "Termen de plată: 16.06.2026" in text
    assert "Cum puteți plăti" in text and "Ion Popescu" in text
    assert _attachments(message) == [PDF]
    assert row["event_id"] == issued.id and row["recipient"] == email and row["sent_at"]
    assert sent.data == {"message_id": row["id"], "event_id": issued.id, "channel": "email",
                         "account_id": account_id}
    token = invoicing.authorizations[-1].removeprefix("Bearer ")
    assert token == invoicing.issued_token
    assert (await token_signer.verifier().verify(token)).role is Role.OPERATOR


async def test_the_same_event_twice_sends_one_email_in_russian(
    client: httpx.AsyncClient, settings: NotificationsSettings, token_signer: TokenSigner,
    mailbox: Any, invoicing: Any,
) -> None:
    account_id, email = await _open(settings, language="ru")
    issued = await _issue(settings, account_id)
    invoicing.documents[issued.data["invoice_id"]] = PDF
    message = await _mail_to(mailbox, email)
    await _issue(settings, account_id, event_id=issued.id)
    other_id, other_email = await _open(settings, language="en")
    later = await _issue(settings, other_id)
    invoicing.documents[later.data["invoice_id"]] = PDF
    await _mail_to(mailbox, other_email)
    assert len(mailbox.to(email)) == 1
    assert len(await _deliveries(client, token_signer, account_id)) == 1
    assert message["Subject"].startswith(f"Счёт № {issued.data['number']}")
    assert "Сумма к оплате: 69.60 MDL" in _text(message)


async def test_a_pdf_not_there_yet_is_retried_until_sent(
    client: httpx.AsyncClient, settings: NotificationsSettings, token_signer: TokenSigner,
    mailbox: Any, invoicing: Any,
) -> None:
    account_id, email = await _open(settings, language="en")
    issued = await _issue(settings, account_id)
    waiting = await _until(client, token_signer, account_id, lambda rows: bool(rows) and rows[0][
        "last_error"] == "the invoice PDF is not available yet")
    assert waiting[0]["status"] == "pending" and waiting[0]["attempts"] >= 1
    invoicing.documents[issued.data["invoice_id"]] = PDF
    message = await _mail_to(mailbox, email)
    [row] = await _until(client, token_signer, account_id, _status("sent"))
    assert row["attempts"] > waiting[0]["attempts"]
    assert _attachments(message) == [PDF]
    assert message["Subject"] == f"Invoice {issued.data['number']} for 2026-05-01 – 2026-05-31"


async def test_an_smtp_server_down_at_first_is_retried(
    client: httpx.AsyncClient, settings: NotificationsSettings, token_signer: TokenSigner,
    smtp: Any, invoicing: Any,
) -> None:
    account_id, email = await _open(settings)
    issued = await _issue(settings, account_id)
    invoicing.documents[issued.data["invoice_id"]] = PDF
    waiting = await _until(client, token_signer, account_id, lambda rows: bool(rows) and (
        rows[0]["last_error"] or "").startswith("SMTP server unreachable"))
    assert waiting[0]["status"] == "pending"
    mailbox = smtp.start()
    await _mail_to(mailbox, email)
    [row] = await _until(client, token_signer, account_id, _status("sent"))
    assert row["attempts"] >= 2 and len(mailbox.to(email)) == 1


async def test_delivery_gives_up_after_the_last_attempt_and_says_so(
    settings: NotificationsSettings, token_signer: TokenSigner, mailbox: Any,
) -> None:
    await prepare_database(MIGRATIONS, settings.dsn)
    limited = settings.model_copy(update={"send_max_attempts": 2})
    async with (running_client(build_app(limited)) as client,
                tap_events(settings.amqp_url, ["notifications.message.failed"]) as tap):
        account_id, email = await _open(settings)
        issued = await _issue(settings, account_id)
        [failed] = await tap.wait_for("notifications.message.failed", account_id=account_id)
        [row] = await _until(client, token_signer, account_id, _status("failed", attempts=2))
    assert failed.data["event_id"] == issued.id and failed.data["message_id"] == row["id"]
    assert row["last_error"] == "the invoice PDF is not available yet"
    assert mailbox.to(email) == []


async def test_a_paper_bill_account_gets_no_email(
    client: httpx.AsyncClient, settings: NotificationsSettings, token_signer: TokenSigner,
    mailbox: Any, invoicing: Any,
) -> None:
    paper_id, _ = await _open(settings, bill_delivery={"medium": "paper", "address": "Chișinău"})
    issued_paper = await _issue(settings, paper_id)
    invoicing.documents[issued_paper.data["invoice_id"]] = PDF
    [row] = await _until(client, token_signer, paper_id, _status("not_applicable"))
    ebill_id, email = await _open(settings)
    issued = await _issue(settings, ebill_id)
    invoicing.documents[issued.data["invoice_id"]] = PDF
    await _mail_to(mailbox, email)
    assert [m["To"] for m in mailbox.messages] == [email]
    assert row["last_error"] == "bill delivery is paper" and row["sent_at"] is None


async def test_an_account_known_only_from_an_update_gets_its_ebill(
    client: httpx.AsyncClient, settings: NotificationsSettings, token_signer: TokenSigner,
    mailbox: Any, invoicing: Any,
) -> None:
    account_id, email = str(uuid.uuid4()), "updated@example.md"
    issued = await _issue(settings, account_id)
    invoicing.documents[issued.data["invoice_id"]] = PDF
    await publish_event(settings.amqp_url, AccountUpdated.model_validate({
        "account_id": account_id, "language": "en",
        "bill_delivery": {"medium": "ebill", "email": email}}))
    message = await _mail_to(mailbox, email)
    assert message["Subject"].startswith("Invoice ")
    await _until(client, token_signer, account_id, _status("sent", recipient=email))
