"""What the notifications use cases need from the outside world."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol

from tarifa.uow import UnitOfWork as BaseUnitOfWork

from notifications.domain.balance import KnownBalance
from notifications.domain.contact import Contact
from notifications.domain.delivery import Channel, Delivery
from notifications.domain.message import OutgoingEmail, OutgoingSms
from notifications.domain.templates import MessageTemplate, TemplateKey

__all__ = ["BalanceRepository", "ContactChanges", "ContactRepository", "DeliveryRepository",
           "InvoiceDocuments", "Mailer", "SendFailed", "SmsSender", "TemplateRepository",
           "UnitOfWork"]

ContactChanges = dict[str, str | None]


class SendFailed(Exception):
    """Sending did not happen; ``permanent`` when trying again cannot help."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


class Mailer(Protocol):
    async def send(self, email: OutgoingEmail) -> None:
        """Hand ``email`` to the mail server; raise ``SendFailed`` if it was not accepted."""


class SmsSender(Protocol):
    async def send(self, sms: OutgoingSms) -> None:
        """Hand ``sms`` to the SMSC; raise ``SendFailed`` unless the SMSC accepted every part."""


class InvoiceDocuments(Protocol):
    async def invoice_pdf(self, invoice_id: str) -> bytes | None:
        """The signed PDF of an invoice; None while it is not there yet; ``SendFailed`` on errors."""

    async def detailed_bill_pdf(self, bill_id: str) -> bytes | None:
        """The signed PDF of a detailed bill, as ``invoice_pdf``."""


class ContactRepository(Protocol):
    async def get(self, account_id: str) -> Contact | None: ...

    async def get_many(self, account_ids: Collection[str]) -> dict[str, Contact]:
        """The contacts known of ``account_ids``, by account id, read in one query."""

    async def opened(self, contact: Contact) -> None:
        """Record an opened account, keeping any field a later update already set."""

    async def changed(self, account_id: str, changes: ContactChanges, at: datetime) -> None:
        """Apply an update that happened ``at``, unless a later one was applied already."""


class DeliveryRepository(Protocol):
    async def add(self, delivery: Delivery) -> bool:
        """Store a new delivery; False when one exists for the same event and channel."""

    async def add_all(self, deliveries: Sequence[Delivery]) -> set[str]:
        """``add`` for many in one statement; the ids of those stored."""

    async def next_due(self, now: datetime, limit: int) -> list[Delivery]:
        """Up to ``limit`` pending deliveries due first, locked for this transaction (others
        skip them)."""

    async def save(self, delivery: Delivery) -> None: ...

    async def save_all(self, deliveries: Sequence[Delivery]) -> None:
        """``save`` for many, one statement sent for all of them."""

    async def get(self, delivery_id: str) -> Delivery | None:
        """One delivery, locked for this transaction (waiting for a sender holding it)."""

    async def exists(self, event_id: str, channel: Channel) -> bool: ...

    async def find(self, *, account_id: str | None, event: str | None,
                   limit: int) -> list[Delivery]: ...


class BalanceRepository(Protocol):
    async def get(self, account_id: str) -> KnownBalance | None:
        """The last balance seen; the account's balance stays locked until the transaction ends."""

    async def record(self, balance: KnownBalance) -> None:
        """Keep ``balance`` unless a newer one was recorded already."""


class TemplateRepository(Protocol):
    async def get(self, key: TemplateKey) -> MessageTemplate | None: ...
    async def put(self, key: TemplateKey, template: MessageTemplate) -> None: ...


class UnitOfWork(BaseUnitOfWork, Protocol):
    @property
    def contacts(self) -> ContactRepository: ...

    @property
    def deliveries(self) -> DeliveryRepository: ...

    @property
    def templates(self) -> TemplateRepository: ...

    @property
    def balances(self) -> BalanceRepository: ...
