"""Keeping the contacts replica from the accounts events.

Opened and updated arrive on separate queues, so an update may overtake the opening: the
opening then fills only what no update changed, and an update changes a field only if no later
update of that field was applied (a bill delivery change and a profile change arriving out of
order both keep their fields).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from tarifa.messaging.catalogue import AccountOpened, AccountUpdated
from tarifa.messaging.envelope import CloudEvent

from notifications.domain.contact import Contact
from notifications.service.ports import ContactChanges, UnitOfWork

__all__ = ["record_account_opened", "record_account_updated"]


class _BillDelivery(BaseModel):
    model_config = ConfigDict(extra="ignore")
    medium: str
    email: str | None = None
    sms: str | None = None


class _ContactFields(BaseModel):
    """The fields of ``accounts.account.updated`` that notifications keeps; all optional."""

    model_config = ConfigDict(extra="ignore")
    language: str | None = None
    bill_delivery: _BillDelivery | None = None
    email: str | None = None
    customer_name: str | None = None
    phone: str | None = None
    timezone: str | None = None


def _contact(data: AccountOpened) -> Contact:
    delivery: dict[str, Any] = data.bill_delivery
    return Contact(account_id=data.account_id, language=data.language,
                   medium=delivery.get("medium"), bill_email=delivery.get("email"),
                   email=data.email, customer_name=data.customer_name,
                   bill_sms=delivery.get("sms"), phone=data.phone, timezone=data.timezone)


def _changes(fields: _ContactFields) -> ContactChanges:
    """The fields the update sets. A profile (it names the customer) is whole, so its empty
    fields were removed; any other update leaves a field it sends empty as it was."""
    given, whole = fields.model_fields_set, fields.customer_name is not None
    changes: ContactChanges = {name: getattr(fields, name)
                               for name in ("language", "email", "customer_name", "phone", "timezone")
                               if name in given and (whole or getattr(fields, name) is not None)}
    if fields.bill_delivery is not None:
        changes["medium"] = fields.bill_delivery.medium
        changes["bill_email"] = fields.bill_delivery.email
        changes["bill_sms"] = fields.bill_delivery.sms
    return changes


async def record_account_opened(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    contact = _contact(event.parse(AccountOpened))
    async with uow:
        if await uow.first_time(consumer, event.id):
            await uow.contacts.opened(contact)
            await uow.commit()


async def record_account_updated(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    account_id = event.parse(AccountUpdated).account_id
    changes = _changes(event.parse(_ContactFields))
    async with uow:
        if await uow.first_time(consumer, event.id):
            if changes:
                await uow.contacts.changed(account_id, changes, event.time)
            await uow.commit()
