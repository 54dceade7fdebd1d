"""The use cases with fakes at the ports: planning, sending, retrying, templates, contacts."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import TracebackType
from typing import Any, Self

import pytest
from notifications.domain.contact import Contact
from notifications.domain.delivery import Delivery, DeliveryStatus, RetryPolicy
from notifications.domain.message import OutgoingEmail, OutgoingSms
from notifications.domain.templates import MessageTemplate, TemplateError, TemplateKey
from notifications.service.contacts import record_account_opened, record_account_updated
from notifications.service.dispatch import Sending, deliver_next
from notifications.service.notices import plan_batch
from notifications.service.notices import plan_notices as plan_invoice_email
from notifications.service.ports import ContactChanges, SendFailed
from notifications.service.templates import set_template
from pydantic import BaseModel
from tarifa.audit import Actor
from tarifa.audit.memory import MemoryAuditTrail
from tarifa.messaging.catalogue import AccountOpened, InvoiceIssued
from tarifa.messaging.envelope import CloudEvent, new_event

NOW = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)
EVENT = "invoicing.invoice.issued"


class FixedClock:
    def __init__(self) -> None:
        self.instant = NOW

    def now(self) -> datetime:
        return self.instant


class FakeContacts:
    def __init__(self) -> None:
        self.rows: dict[str, Contact] = {}

    async def get(self, account_id: str) -> Contact | None:
        return self.rows.get(account_id)

    async def get_many(self, account_ids: Collection[str]) -> dict[str, Contact]:
        return {a: self.rows[a] for a in account_ids if a in self.rows}

    async def opened(self, contact: Contact) -> None:
        old = self.rows.get(contact.account_id)
        self.rows[contact.account_id] = contact if old is None else Contact(
            contact.account_id, *(getattr(old, f) or getattr(contact, f) for f in
                                  ("language", "medium", "bill_email", "email", "customer_name")))

    async def changed(self, account_id: str, changes: ContactChanges, at: datetime) -> None:
        self.rows[account_id] = replace(self.rows.get(account_id, Contact(account_id)), **changes)


class FakeDeliveries:
    def __init__(self) -> None:
        self.rows: dict[str, Delivery] = {}

    async def add(self, delivery: Delivery) -> bool:
        if await self.exists(delivery.event_id, delivery.channel):
            return False
        self.rows[delivery.id] = delivery
        return True

    async def add_all(self, deliveries: Sequence[Delivery]) -> set[str]:
        return {d.id for d in deliveries if await self.add(d)}

    async def next_due(self, now: datetime, limit: int) -> list[Delivery]:
        due = [d for d in self.rows.values() if d.status is DeliveryStatus.PENDING
               and d.next_attempt_at is not None and d.next_attempt_at <= now]
        return sorted(due, key=lambda d: d.next_attempt_at or now)[:limit]

    async def save(self, delivery: Delivery) -> None:
        self.rows[delivery.id] = delivery

    async def save_all(self, deliveries: Sequence[Delivery]) -> None:
        self.rows.update((delivery.id, delivery) for delivery in deliveries)

    async def find(self, *, account_id: str | None, event: str | None, limit: int) -> list[Delivery]:
        return list(self.rows.values())[:limit]

    async def get(self, delivery_id: str) -> Delivery | None:
        return self.rows.get(delivery_id)

    async def exists(self, event_id: str, channel: str) -> bool:
        return any((d.event_id, d.channel) == (event_id, channel) for d in self.rows.values())


class FakeTemplates:
    def __init__(self) -> None:
        self.rows: dict[TemplateKey, MessageTemplate] = {}

    async def get(self, key: TemplateKey) -> MessageTemplate | None:
        return self.rows.get(key)

    async def put(self, key: TemplateKey, template: MessageTemplate) -> None:
        self.rows[key] = template


class FakeUnitOfWork:
    def __init__(self) -> None:
        self.clock = FixedClock()
        self.contacts, self.deliveries, self.templates = FakeContacts(), FakeDeliveries(), FakeTemplates()
        self.trail = MemoryAuditTrail(self.clock)
        self.actor = Actor.system("notifications")
        self.seen: set[tuple[str, str]] = set()
        self.emitted: list[CloudEvent] = []
        self.commits = 0

    def acting(self, actor: Actor) -> Self:
        self.actor = actor
        return self

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        pass

    async def commit(self) -> None:
        self.commits += 1

    async def first_time(self, consumer: str, event_id: str) -> bool:
        return event_id in await self.first_times(consumer, [event_id])

    async def first_times(self, consumer: str, event_ids: Sequence[str]) -> set[str]:
        fresh = {event_id for event_id in event_ids if (consumer, event_id) not in self.seen}
        self.seen.update((consumer, event_id) for event_id in fresh)
        return fresh

    def emit(self, data: Any, *, subject: str | None = None,
             routing_key: str | None = None) -> CloudEvent:
        event = new_event("notifications", routing_key or data.routing_key, data,
                          now=self.clock.now(), subject=subject)
        self.emitted.append(event)
        return event


class FakeMailer:
    def __init__(self, failures: int = 0, *, permanent: bool = False) -> None:
        self.failures, self.permanent, self.sent = failures, permanent, list[OutgoingEmail]()

    async def send(self, email: OutgoingEmail) -> None:
        if self.failures:
            self.failures -= 1
            raise SendFailed("SMTP server unreachable", permanent=self.permanent)
        self.sent.append(email)


class FakeSms:
    def __init__(self, failures: int = 0) -> None:
        self.failures, self.sent = failures, list[OutgoingSms]()

    async def send(self, sms: OutgoingSms) -> None:
        if self.failures:
            self.failures -= 1
            raise SendFailed("SMSC unreachable")
        self.sent.append(sms)


class FakeDocuments:
    def __init__(self, missing: int = 0) -> None:
        self.missing = missing

    async def invoice_pdf(self, invoice_id: str) -> bytes | None:
        if self.missing:
            self.missing -= 1
            return None
        return f"%PDF {invoice_id}".encode()


POLICY = RetryPolicy(3, timedelta(seconds=30), timedelta(minutes=10))


def _event(data: BaseModel) -> CloudEvent:
    return new_event("test", getattr(data, "routing_key"), data, now=NOW)  # noqa: B009


def _issued(account_id: str = "a-1") -> CloudEvent:
    return _event(InvoiceIssued(
        invoice_id="i-1", number="TF/1", account_id=account_id, period_start=date(2026, 5, 1),
        period_end=date(2026, 5, 31), total_charges=Decimal("58.00"),
        amount_due=Decimal("69.60"), due_date=date(2026, 6, 16), currency="MDL"))


async def _uow_with_ebill_account(language: str = "ro") -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    await record_account_opened(uow, "c", _event(AccountOpened(
        account_id="a-1", customer_id="c-1", payment_mode="postpaid", currency="MDL",
        timezone="Europe/Chisinau", language=language, email="c@example.md",
        bill_delivery={"medium": "ebill", "email": "bill@example.md"})))
    return uow


def _sending(mailer: FakeMailer, documents: FakeDocuments | None = None,
             sms: FakeSms | None = None) -> Sending:
    return Sending(mailer, documents or FakeDocuments(), POLICY, "tarifa.local", sms or FakeSms())


def _emails(uow: FakeUnitOfWork) -> list[Delivery]:
    return [d for d in uow.deliveries.rows.values() if d.channel == "email"]


async def test_an_issued_invoice_is_planned_once_and_sent_with_its_pdf() -> None:
    uow, mailer = await _uow_with_ebill_account(), FakeMailer()
    event = _issued()
    assert await plan_invoice_email(uow, "c", event) is True
    assert await plan_invoice_email(uow, "c", event) is False
    assert await deliver_next(uow, _sending(mailer)) is not None
    assert await deliver_next(uow, _sending(mailer)) is None
    [email] = mailer.sent
    assert email.recipient == "bill@example.md" and email.subject.startswith("Factura nr. TF/1")
    assert email.message_id == f"<{event.id}.email@tarifa.local>"
    assert [(a.filename, a.data) for a in email.attachments] == [("TF-1.pdf", b"%PDF i-1")]
    assert [e.routing_key for e in uow.emitted] == ["notifications.message.sent"]


async def test_invoices_planned_together_are_one_commit_and_each_planned_once() -> None:
    uow, mailer = await _uow_with_ebill_account(), FakeMailer()
    first, second = _issued(), _issued()
    commits = uow.commits
    assert await plan_batch(uow, "c", [first, second, first]) is True
    assert uow.commits == commits + 1
    assert await plan_batch(uow, "c", [second, first]) is False
    while await deliver_next(uow, _sending(mailer)) is not None:
        pass
    assert sorted(email.message_id for email in mailer.sent) == sorted(
        f"<{event.id}.email@tarifa.local>" for event in (first, second))


async def test_a_missing_pdf_and_a_down_server_are_retried_after_the_backoff() -> None:
    uow, mailer = await _uow_with_ebill_account("en"), FakeMailer(failures=1)
    await plan_invoice_email(uow, "c", _issued())
    sending = _sending(mailer, FakeDocuments(missing=1))
    await deliver_next(uow, sending)
    [waiting] = _emails(uow)
    assert (waiting.status, waiting.attempts) == (DeliveryStatus.PENDING, 1)
    assert await deliver_next(uow, sending) is None
    uow.clock.instant = NOW + timedelta(seconds=30)
    await deliver_next(uow, sending)
    uow.clock.instant = NOW + timedelta(seconds=90)
    await deliver_next(uow, sending)
    [sent] = _emails(uow)
    assert (sent.status, sent.attempts, len(mailer.sent)) == (DeliveryStatus.SENT, 3, 1)
    assert mailer.sent[0].subject.startswith("Invoice TF/1")


async def test_the_last_failed_attempt_announces_the_failure() -> None:
    uow, mailer = await _uow_with_ebill_account(), FakeMailer(failures=1, permanent=True)
    await plan_invoice_email(uow, "c", _issued())
    await deliver_next(uow, _sending(mailer))
    [failed] = _emails(uow)
    assert failed.status is DeliveryStatus.FAILED
    assert [e.routing_key for e in uow.emitted] == ["notifications.message.failed"]


async def test_an_account_switched_to_paper_gets_no_email() -> None:
    uow, mailer = await _uow_with_ebill_account(), FakeMailer()
    await plan_invoice_email(uow, "c", _issued())
    update = new_event("test", "accounts.account.updated", {
        "account_id": "a-1", "bill_delivery": {"medium": "paper", "address": "Chișinău"}}, now=NOW)
    await record_account_updated(uow, "u", update)
    await deliver_next(uow, _sending(mailer))
    [row] = _emails(uow)
    assert row.status is DeliveryStatus.NOT_APPLICABLE and mailer.sent == [] and uow.emitted == []


async def test_an_unknown_contact_is_waited_for() -> None:
    uow, mailer = FakeUnitOfWork(), FakeMailer()
    await plan_invoice_email(uow, "c", _issued())
    await deliver_next(uow, _sending(mailer))
    await deliver_next(uow, _sending(mailer))
    rows = list(uow.deliveries.rows.values())
    assert {row.channel for row in rows} == {"email", "sms"}
    assert all(row.status is DeliveryStatus.PENDING and "no contact" in (row.last_error or "")
               for row in rows)


OPERATOR = Actor("ops-1", "operator")


async def test_a_stored_template_is_used_and_a_bad_one_stores_nothing() -> None:
    uow, mailer = await _uow_with_ebill_account(), FakeMailer()
    key = TemplateKey(EVENT, "email", "ro")
    with pytest.raises(TemplateError):
        await set_template(uow.acting(OPERATOR), key, MessageTemplate("$iban"))
    assert uow.templates.rows == {} and uow.trail.records == []
    stored = await set_template(uow, key, MessageTemplate("De plată: $amount_due"))
    assert [(r.action, r.actor) for r in uow.trail.records] == [("template.changed", OPERATOR)]
    assert stored.subject is not None and stored.subject.startswith("Factura nr.")
    await plan_invoice_email(uow, "c", _issued())
    await deliver_next(uow, _sending(mailer))
    assert mailer.sent[0].body == "De plată: 69.60"
