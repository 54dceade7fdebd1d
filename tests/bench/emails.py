"""E-bill emails per second: the notifications process against one SMTP connection per message.

Starts a real SMTP server (aiosmtpd on 127.0.0.1), a small HTTP server answering as invoicing's
API does (``GET /v1/invoices/{id}/pdf`` with a bearer token, the PDF a real signed e-bill from
the document engine) and, in accounts' stead, ``POST /v1/auth/token``; then one
``notifications serve`` process on a fresh database and vhost. ``accounts`` events give it N
accounts that chose e-bills by email; then N ``invoicing.invoice.issued`` events are published
and the time until the SMTP server has received all N messages is measured (consumer, inbox,
planning, dispatcher, PDF fetch, SMTP). The baseline, in the same run, sends the same messages
to the same server with plain ``aiosmtplib.send`` (one connection per message, one at a time),
and then through the service's ``SmtpMailer`` alone (kept-open connections, all at once).
The CPU the notifications process spent per e-bill is printed too: a figure the other load on
the machine changes less than the rate.
Prints the figures; asserts nothing on time. Servers come from ``TARIFA_TEST_DATABASE_URL`` /
``TARIFA_TEST_AMQP_URL`` (default: localhost). Run: ``python tests/bench/emails.py [N]``.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

import aio_pika
import aiosmtplib
import asyncpg
from aiosmtpd.controller import Controller
from notifications.adapters.mime import mime_message
from notifications.adapters.smtp import SmtpMailer
from notifications.domain.message import Attachment, OutgoingEmail
from tarifa.messaging.catalogue import AccountOpened, EventData, InvoiceIssued
from tarifa.messaging.envelope import new_event
from tarifa.messaging.topology import EVENTS_EXCHANGE, declare_base
from tarifa.testing.cpu import cpu_seconds
from tarifa.testing.keys import TEST_SIGNER
from tarifa.testing.modules import beside
from tarifa.testing.processes import free_port, serving
from tarifa.testing.servers import fresh_servers

DEFAULT_COUNT = 2_000
BASELINE_COUNT = 400  # the baseline's rate is steady; more messages only make the run longer
SENDER = "billing@tarifa.local"


PEERS = beside(__file__, "emails_peers")


class _Mailbox(Protocol):
    """What the SMTP server's handler (``emails_peers.MailBox``) has counted."""

    count: int
    message_ids: set[str]
    with_pdf: int


def _env(database_url: str, amqp_url: str, smtp_port: int, invoicing_url: str) -> dict[str, str]:
    return {"NOTIFICATIONS_DATABASE_URL": database_url, "TARIFA_AMQP_URL": amqp_url,
            "TARIFA_JWT_PUBLIC_KEY": TEST_SIGNER.public_pem(), "TARIFA_LOG_LEVEL": "warning",
            "TARIFA_LOG_JSON": "true", "NOTIFICATIONS_SMTP_PORT": str(smtp_port),
            "NOTIFICATIONS_INVOICING_URL": invoicing_url,
            "NOTIFICATIONS_ACCOUNTS_URL": invoicing_url, "NOTIFICATIONS_CLIENT_SECRET": PEERS.SECRET,
            "NOTIFICATIONS_SMPP_PORT": str(free_port()), "NOTIFICATIONS_RELAY_INTERVAL": "0.05"}


def _accounts(count: int) -> list[EventData]:
    return [AccountOpened(account_id=f"bench-account-{n}", customer_id=f"c{n}",
                          payment_mode="postpaid", currency="MDL", timezone="Europe/Chisinau",
                          language=("ro", "ru", "en")[n % 3], customer_name="Ion Popescu",
                          email=f"customer{n}@example.md",
                          bill_delivery={"medium": "ebill", "email": f"ebill{n}@example.md"})
            for n in range(count)]


def _invoices(count: int) -> list[EventData]:
    return [InvoiceIssued(invoice_id=f"bench-{n}", number=f"TF-2026/{n:06d}",
                          account_id=f"bench-account-{n}", period_start=date(2026, 5, 1),
                          period_end=date(2026, 5, 31), total_charges=Decimal("69.60"),
                          amount_due=Decimal("69.60"), due_date=date(2026, 6, 16), currency="MDL")
            for n in range(count)]


async def _publish(amqp_url: str, events: list[EventData]) -> None:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        await declare_base(channel)
        exchange = await channel.get_exchange(EVENTS_EXCHANGE)
        for data in events:
            event = new_event("bench", data.routing_key, data, now=datetime.now(UTC),
                              subject=getattr(data, "account_id", None))
            await exchange.publish(aio_pika.Message(
                event.model_dump_json().encode(), message_id=event.id,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT), routing_key=data.routing_key)


async def _until(what: str, reached: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not await reached():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} never got there")
        await asyncio.sleep(0.02)


async def _seed(conn: asyncpg.Connection, amqp_url: str, count: int) -> None:
    await _publish(amqp_url, _accounts(count))

    async def known() -> bool:
        return bool(await conn.fetchval("SELECT count(*) FROM contacts") >= count)

    await _until("the contacts replica", known, timeout=120)


async def _emails(amqp_url: str, mailbox: _Mailbox, count: int, pid: int) -> tuple[float, float]:
    """Seconds from the first invoice event published to the last email received, and the CPU
    seconds the notifications process spent meanwhile."""
    async def received() -> bool:
        return mailbox.count >= count

    started, cpu = time.perf_counter(), cpu_seconds(pid)
    await _publish(amqp_url, _invoices(count))
    await _until("the e-bill emails", received, timeout=600)
    return time.perf_counter() - started, cpu_seconds(pid) - cpu


async def _checks(conn: asyncpg.Connection, mailbox: _Mailbox) -> str:
    sent = await conn.fetchval("SELECT count(*) FROM deliveries WHERE channel = 'email' "
                               "AND status = 'sent'")
    inbox = await conn.fetchval("SELECT count(*) FROM inbox WHERE consumer = "
                                "'notifications.invoice-issued'")
    return (f"{mailbox.count} received, {len(mailbox.message_ids)} distinct Message-IDs, "
            f"{mailbox.with_pdf} with the PDF; {sent} email deliveries logged sent, "
            f"{inbox} events in the inbox")


async def _idle_share(pid: int, seconds: float = 3.0) -> float:
    """The share of a core the notifications process uses with nothing to send (its pollers)."""
    await asyncio.sleep(1.0)  # the replica's last commits
    cpu = cpu_seconds(pid)
    await asyncio.sleep(seconds)
    return (cpu_seconds(pid) - cpu) / seconds


def _outgoing(pdf: bytes, count: int) -> list[OutgoingEmail]:
    return [OutgoingEmail(recipient=f"ebill{n}@example.md", subject=f"Factura TF-2026/{n:06d}",
                          body="Factura", message_id=f"<baseline-{uuid.uuid4()}@tarifa.local>",
                          attachments=(Attachment(f"TF-2026-{n:06d}.pdf", "application/pdf", pdf),))
            for n in range(count)]


async def _baseline(port: int, pdf: bytes, count: int) -> float:
    """Messages/s with one plain ``aiosmtplib.send`` (its own connection) per message."""
    messages = [mime_message(email, SENDER) for email in _outgoing(pdf, count)]
    started = time.perf_counter()
    for message in messages:
        await aiosmtplib.send(message, hostname="127.0.0.1", port=port)
    return count / (time.perf_counter() - started)


async def _mailer_alone(port: int, pdf: bytes, count: int) -> float:
    """Messages/s through the service's mailer alone, its connections kept open."""
    mailer = SmtpMailer(host="127.0.0.1", port=port, sender=SENDER, timeout=10)
    emails = _outgoing(pdf, count)
    started = time.perf_counter()
    await asyncio.gather(*(mailer.send(email) for email in emails))
    seconds = time.perf_counter() - started
    await mailer.close()
    return count / seconds


async def _run(count: int, baseline_count: int, pdf: bytes, smtp_port: int,
               mailbox: _Mailbox) -> tuple[float, float, float, float, str]:
    with PEERS.invoicing_server(pdf) as invoicing_url, tempfile.TemporaryDirectory() as folder:
        async with fresh_servers("bench_notifications") as ((database_url,), amqp_url):
            env = _env(database_url, amqp_url, smtp_port, invoicing_url)
            async with serving("notifications", env, Path(folder) / "notifications.log") as (pid, _):
                conn = await asyncpg.connect(database_url)
                try:
                    await _seed(conn, amqp_url, count)
                    idle = await _idle_share(pid)
                    seconds, cpu = await _emails(amqp_url, mailbox, count, pid)
                    await asyncio.sleep(0.5)  # the last attempts' commits
                    checks = (await _checks(conn, mailbox)
                              + f"; with nothing to send it used {idle:.1%} of a core")
                finally:
                    await conn.close()
        baseline = await _baseline(smtp_port, pdf, baseline_count)
        alone = await _mailer_alone(smtp_port, pdf, baseline_count)
    return count / seconds, cpu / count, baseline, alone, checks


def main(count: int = DEFAULT_COUNT, baseline_count: int = BASELINE_COUNT) -> dict[str, float]:
    pdf, mailbox, port = PEERS.signed_pdf(), PEERS.MailBox(), free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        rate, cpu, baseline, alone, checks = asyncio.run(_run(count, baseline_count, pdf, port, mailbox))
    finally:
        controller.stop()
    print(f"emails: {count} e-bills ({len(pdf):,} bytes of signed PDF each) through one "
          f"notifications process: {rate:,.0f} emails/s, {cpu * 1000:.1f} ms of its CPU each "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    print(f"  checks: {checks}")
    print(f"  baseline: one SMTP connection per message (plain aiosmtplib.send), "
          f"{baseline_count} messages: {baseline:,.0f} emails/s")
    print(f"  the service's mailer alone (its SMTP connections kept open), the same {baseline_count} "
          f"messages: {alone:,.0f} emails/s, {alone / baseline:.1f}x the baseline")
    print(f"  ratio: the whole e-bill path is {rate / baseline:.1f}x the baseline")
    return {"emails_per_s": rate, "cpu_ms_per_email": cpu * 1000, "baseline_emails_per_s": baseline,
            "mailer_alone_emails_per_s": alone}


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_COUNT)
