"""The monthly detailed bill by email: real PostgreSQL, RabbitMQ, SMTP server and an invoicing
HTTP server; one email in the account's language with the detailed bill's PDF, no SMS."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from email.message import EmailMessage
from typing import Any

import httpx
from notifications.settings import NotificationsSettings
from tarifa.messaging.catalogue import AccountOpened, MonthlyDetailedBillReady
from tarifa.messaging.envelope import CloudEvent
from tarifa.testing.apps import bearer
from tarifa.testing.events import publish_event
from tarifa.tokens import TokenSigner

PDF = b"%PDF-1.7\n% signed detailed bill\n" + bytes(range(256)) + b"\n%%EOF\n"


async def _open(settings: NotificationsSettings, language: str) -> tuple[str, str]:
    account_id, email = str(uuid.uuid4()), f"{uuid.uuid4().hex[:8]}@example.md"
    await publish_event(settings.amqp_url, AccountOpened(
        account_id=account_id, customer_id="c1", payment_mode="postpaid", currency="MDL",
        timezone="Europe/Chisinau", language=language, email=email, phone="+37369000111",
        customer_name="Ion Popescu", bill_delivery={"medium": "paper"}))
    return account_id, email


async def _ready(settings: NotificationsSettings, account_id: str,
                 event_id: str | None = None) -> CloudEvent:
    return await publish_event(settings.amqp_url, MonthlyDetailedBillReady(
        account_id=account_id, document_id=str(uuid.uuid4()), month="2026-11",
        from_date=date(2026, 11, 1), to_date=date(2026, 11, 30)), subject=account_id,
        event_id=event_id)


async def _mail_to(mailbox: Any, recipient: str) -> EmailMessage:
    for _ in range(300):
        if mailbox.to(recipient):
            message: EmailMessage = mailbox.to(recipient)[0]
            return message
        await asyncio.sleep(0.1)
    raise AssertionError(f"no mail to {recipient}")


async def _deliveries(client: httpx.AsyncClient, secret: TokenSigner,
                      account_id: str) -> list[dict[str, Any]]:
    response = await client.get("/v1/notifications", params={"account_id": account_id},
                                headers=bearer(secret))
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()
    return rows


async def test_the_monthly_detailed_bill_is_mailed_once_with_its_pdf(
    client: httpx.AsyncClient, settings: NotificationsSettings, token_signer: TokenSigner,
    mailbox: Any, invoicing: Any,
) -> None:
    account_id, email = await _open(settings, "ro")
    ready = await _ready(settings, account_id)
    invoicing.documents[f"/v1/detailed-bills/{ready.data['document_id']}"] = PDF
    message = await _mail_to(mailbox, email)
    await _ready(settings, account_id, event_id=ready.id)
    assert message["Subject"] == "Factura detaliată pentru 2026-11"
    text = str(message.get_body(preferencelist=("plain",)).get_content())  # type: ignore[union-attr]
    assert "01.11.2026 – 30.11.2026" in text and "Ion Popescu" in text and account_id in text
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content() == PDF
    assert attachment.get_filename() == "detailed-bill-2026-11.pdf"
    await asyncio.sleep(0.5)
    rows = await _deliveries(client, token_signer, account_id)
    assert sorted((row["channel"], row["status"], row["recipient"]) for row in rows) == [
        ("email", "sent", email), ("sms", "not_applicable", None)]
    assert len(mailbox.to(email)) == 1


async def test_it_is_written_in_the_accounts_language(
    client: httpx.AsyncClient, settings: NotificationsSettings, mailbox: Any, invoicing: Any,
) -> None:
    for language, subject in (("ru", "Детализация счёта за 2026-11"),
                              ("en", "Detailed bill for 2026-11")):
        account_id, email = await _open(settings, language)
        ready = await _ready(settings, account_id)
        invoicing.documents[f"/v1/detailed-bills/{ready.data['document_id']}"] = PDF
        message = await _mail_to(mailbox, email)
        assert message["Subject"] == subject
        assert [part.get_content() for part in message.iter_attachments()] == [PDF]
