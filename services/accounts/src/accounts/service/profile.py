"""Changing a customer's details: the contact data a subscriber keeps up itself (email, phone,
address, language) and who the contract is with (name, kind), which only an operator changes.

Every account of the customer is announced with the whole profile as it now stands, so that a
replica may apply the newest announcement and drop an older one that arrives late.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from tarifa.messaging.catalogue import AccountUpdated

from accounts.domain.account import Account
from accounts.domain.audit import AuditEntry
from accounts.domain.customer import CONTACT_FIELDS, Customer
from accounts.domain.errors import InvalidRequest, UnknownEntity
from accounts.service.accounts import load_account
from accounts.service.ports import UnitOfWork

__all__ = ["ChangeCustomer", "ChangeProfile", "change_customer", "change_profile", "get_profile"]


@dataclass(frozen=True, slots=True)
class ChangeCustomer:
    """An operator's change of any of the customer's details."""

    customer_id: str
    changes: dict[str, Any]
    actor: str


@dataclass(frozen=True, slots=True)
class ChangeProfile:
    """A change of the contact data of the customer that holds ``account_id``."""

    account_id: str
    changes: dict[str, Any]
    actor: str


async def _announce(uow: UnitOfWork, account: Account, change: tuple[Customer, Customer],
                    at: datetime, actor: str) -> None:
    """Tell the replicas of one account; bill destinations that were the old details follow."""
    before, after = change
    data = after.profile()
    delivery = account.bill_delivery.followed(before, after)
    if delivery != account.bill_delivery and not account.closed:
        await uow.accounts.save(replace(account, bill_delivery=delivery))
        await uow.audit.record(AuditEntry(at, actor, "account.bill_delivery_changed", "account",
                                          account.id, {"from": asdict(account.bill_delivery),
                                                       "to": asdict(delivery)}))
        data["bill_delivery"] = asdict(delivery)
    uow.emit(AccountUpdated(account_id=account.id, **data), subject=account.id)


async def _change(uow: UnitOfWork, customer_id: str, changes: dict[str, Any],
                  actor: str) -> Customer:
    """Store, audit and announce the change; an unchanged customer changes nothing."""
    before = await uow.customers.get(customer_id, lock=True)
    if before is None:
        raise UnknownEntity(f"customer {customer_id} not found")
    after = before.changed(changes)
    if after == before:
        return before
    now = uow.clock.now()
    await uow.customers.save(after)
    await uow.audit.record(AuditEntry(now, actor, "customer.updated", "customer", after.id,
                                      asdict(after), before=asdict(before)))
    for account in await uow.accounts.of_customer(customer_id, lock=True):
        await _announce(uow, account, (before, after), now, actor)
    await uow.commit()
    return after


async def change_customer(uow: UnitOfWork, command: ChangeCustomer) -> Customer:
    async with uow:
        return await _change(uow, command.customer_id, command.changes, command.actor)


async def change_profile(uow: UnitOfWork, command: ChangeProfile) -> Customer:
    """Only contact data; the name and kind of the customer are the operator's."""
    refused = sorted(set(command.changes) - CONTACT_FIELDS)
    if refused:
        raise InvalidRequest(f"{refused[0]} is changed by an operator only", field=refused[0])
    async with uow:
        account = await load_account(uow, command.account_id)
        return await _change(uow, account.customer_id, command.changes, command.actor)


async def get_profile(uow: UnitOfWork, account_id: str) -> Customer:
    """The details of the customer that holds the account."""
    async with uow:
        account = await load_account(uow, account_id)
        customer = await uow.customers.get(account.customer_id)
    if customer is None:
        raise UnknownEntity(f"customer {account.customer_id} not found")
    return customer
