"""Opening billing accounts and reading them with their replicated balance."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass

from tarifa.messaging.catalogue import AccountOpened

from accounts.domain.account import (
    Account,
    Balance,
    BillDelivery,
    PaymentMode,
    PromisedPayment,
    check_currency,
    check_timezone,
)
from accounts.domain.audit import AuditEntry
from accounts.domain.customer import Customer
from accounts.domain.errors import InvalidRequest, UnknownEntity
from accounts.service.ports import UnitOfWork

__all__ = ["AccountView", "OpenAccount", "balance_of", "get_account", "load_account",
           "open_account"]


@dataclass(frozen=True, slots=True)
class OpenAccount:
    customer_id: str
    payment_mode: PaymentMode
    currency: str
    timezone: str
    bill_delivery: BillDelivery
    actor: str


@dataclass(frozen=True, slots=True)
class AccountView:
    """An account with its replicated balance, and its promised payment if one holds now."""

    account: Account
    balance: Balance
    promise: PromisedPayment | None = None


def _opened(account: Account, customer: Customer) -> AccountOpened:
    return AccountOpened(
        account_id=account.id, customer_id=customer.id, payment_mode=account.payment_mode,
        currency=account.currency, timezone=account.timezone, language=customer.language,
        bill_delivery=asdict(account.bill_delivery), email=customer.email, phone=customer.phone,
        customer_name=customer.name, address=customer.address,
    )


async def _customer(uow: UnitOfWork, customer_id: str) -> Customer:
    customer = await uow.customers.get(customer_id)
    if customer is None:
        raise InvalidRequest(f"unknown customer {customer_id}", field="customer_id")
    return customer


async def open_account(uow: UnitOfWork, command: OpenAccount) -> Account:
    """Open an account for a known customer and announce it."""
    check_currency(command.currency)
    check_timezone(command.timezone)
    async with uow:
        customer = await _customer(uow, command.customer_id)
        account = Account(
            id=str(uuid.uuid4()), customer_id=customer.id, payment_mode=command.payment_mode,
            currency=command.currency, timezone=command.timezone, opened_at=uow.clock.now(),
            bill_delivery=command.bill_delivery.completed_for(customer),
        )
        await uow.accounts.add(account)
        await uow.audit.record(AuditEntry(account.opened_at, command.actor, "account.opened",
                                          "account", account.id, asdict(account)))
        uow.emit(_opened(account, customer), subject=account.id)
        await uow.commit()
    return account


async def load_account(uow: UnitOfWork, account_id: str, *, lock: bool = False) -> Account:
    """The account, held against concurrent changes when ``lock``; ``UnknownEntity`` if none."""
    account = await uow.accounts.get(account_id, lock=lock)
    if account is None:
        raise UnknownEntity(f"account {account_id} not found")
    return account


async def balance_of(uow: UnitOfWork, account: Account) -> Balance:
    """The replicated balance; zero until invoicing announces one."""
    return await uow.balances.get(account.id) or Balance.zero(account)


async def get_account(uow: UnitOfWork, account_id: str) -> AccountView:
    async with uow:
        # Each read sees what was committed when it ran: reading the balance before the account
        # means a reader that sees a new balance also sees the status that came with it.
        stored = await uow.balances.get(account_id)
        account = await load_account(uow, account_id)
        balance = stored or Balance.zero(account)
        promised = account.promised_at(uow.clock.now())
    return AccountView(account, balance, account.promise if promised else None)
