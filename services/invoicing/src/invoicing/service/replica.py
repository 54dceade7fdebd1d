"""Keeping the invoicing replica of accounts and lines from the accounts events."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from tarifa.messaging.catalogue import AccountOpened, AccountUpdated, LineActivated
from tarifa.messaging.envelope import CloudEvent
from tarifa.messaging.retry import NotYet

from invoicing.domain.account import BillingAccount, local_date
from invoicing.domain.ledger import ledger_currency
from invoicing.service.ports import UnitOfWork

__all__ = ["AccountNotKnownYet", "record_account", "record_account_update", "record_line"]


class AccountNotKnownYet(NotYet):
    """An update or a line of an account whose opening has not arrived yet: try again later."""


def _delivery_address(delivery: dict[str, Any], fallback: str) -> str:
    medium = delivery.get("medium", "ebill")
    found = delivery.get("address") if medium == "paper" else delivery.get("email")
    return str(found or fallback)


def _account(data: AccountOpened) -> BillingAccount:
    address = data.address or ""
    return BillingAccount(
        account_id=data.account_id, currency=data.currency, payment_mode=data.payment_mode,
        language=data.language, timezone=data.timezone, customer_name=data.customer_name or "",
        address=address, delivery_medium=str(data.bill_delivery.get("medium", "ebill")),
        delivery_address=_delivery_address(data.bill_delivery, data.email or address))


async def record_account(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    """An account opened; one in a currency the ledger cannot keep is refused (``LedgerError``,
    dead-lettered with its reason), so no balance or ledger of it is ever answered in it."""
    data = event.parse(AccountOpened)
    ledger_currency(data.currency, f"{event.type} {event.id}: account {data.account_id}")
    async with uow:
        if await uow.first_time(consumer, event.id):
            await uow.accounts.upsert(_account(data))
            await uow.commit()


def _updated(account: BillingAccount, data: AccountUpdated, at: datetime) -> BillingAccount:
    """The account with what the update announces, each part only if newer than the one held.
    Only a profile (it names the customer) changes the customer details, in whole; a new
    payment mode decides the due date of the statements issued from then on."""
    if data.customer_name is not None:
        account = account.with_profile(data.customer_name, data.address or "",
                                       data.language or account.language, at)
    if data.bill_delivery is not None:
        account = account.with_delivery(str(data.bill_delivery.get("medium", "ebill")),
                                        _delivery_address(data.bill_delivery, account.address),
                                        at)
    if data.payment_mode in ("prepaid", "postpaid"):
        account = replace(account, payment_mode=data.payment_mode)
    return account


async def record_account_update(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    """New customer details (the next statement's header and language) or a new bill delivery
    preference (the next billing run prints or e-mails accordingly, I8); late ones are dropped."""
    data = event.parse(AccountUpdated)
    async with uow:
        if not await uow.first_time(consumer, event.id):
            return
        account = await uow.accounts.get(data.account_id, lock=True)
        if account is None:
            raise AccountNotKnownYet(f"update {event.id}: account {data.account_id} is not known yet")
        updated = _updated(account, data, event.time)
        if updated != account:
            await uow.accounts.upsert(updated)
        await uow.commit()


async def record_line(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    """A line's connection day (in the account's time zone) may open the first period."""
    data = event.parse(LineActivated)
    async with uow:
        if await uow.first_time(consumer, event.id):
            account = await uow.accounts.get(data.account_id)
            if account is None:  # its connection day is a day where the account lives
                raise AccountNotKnownYet(f"line {data.msisdn}: account {data.account_id} "
                                         "is not known yet")
            await uow.accounts.add_line(data.msisdn, data.account_id,
                                        local_date(account, data.connected_at))
            await uow.commit()
