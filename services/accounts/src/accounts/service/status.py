"""Storing a lifecycle change: the account row, its audit entry and the block events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from tarifa.messaging.catalogue import AccountBlocked, AccountSuspended, AccountUnblocked

from accounts.domain.account import Account, AccountStatus, PaymentMode
from accounts.domain.audit import AuditEntry
from accounts.domain.lifecycle import (
    BALANCE_RESTORED,
    INVOICE_OVERDUE,
    NEGATIVE_BALANCE,
    apply_money_rule,
)
from accounts.service.accounts import balance_of
from accounts.service.ports import UnitOfWork

__all__ = ["block_event", "block_reason", "change_entry", "enforce_money_rule", "owes",
           "owing", "store_change", "suspension_event"]


async def owes(uow: UnitOfWork, account: Account) -> bool:
    """Whether the account breaks the money rule of its payment mode (A5).

    Prepaid: a negative balance. Postpaid: an overdue invoice unpaid past its grace, unless the
    balance announced by invoicing shows nothing owed any more.
    """
    if account.payment_mode is PaymentMode.PREPAID:
        return (await balance_of(uow, account)).amount < 0
    balance = await uow.balances.get(account.id)
    if balance is not None and balance.amount >= 0:
        return False
    return await uow.invoices.blocking(account.id, uow.clock.now())


async def owing(uow: UnitOfWork, accounts: Sequence[Account]) -> set[str]:
    """Which of the accounts break their money rule now, as ``owes`` says, in two statements."""
    ids = [account.id for account in accounts]
    balances = await uow.balances.get_many(ids)
    prepaid = {a.id for a in accounts if a.payment_mode is PaymentMode.PREPAID}
    negative = {i for i, balance in balances.items() if balance.amount < 0}
    settled = {i for i, balance in balances.items() if balance.amount >= 0}
    postpaid = [i for i in ids if i not in prepaid and i not in settled]
    blocking = await uow.invoices.blocking_among(postpaid, uow.clock.now()) if postpaid else set()
    return (negative & prepaid) | blocking


def block_reason(account: Account) -> str:
    """Why the money rule blocks an account of this payment mode."""
    return NEGATIVE_BALANCE if account.payment_mode is PaymentMode.PREPAID else INVOICE_OVERDUE


async def enforce_money_rule(uow: UnitOfWork, account_id: str, *, actor: str,
                             unblock_reason: str = BALANCE_RESTORED,
                             data: dict[str, Any] | None = None) -> None:
    """Block or unblock the account for what it owes now, under its row lock."""
    account = await uow.accounts.get(account_id, lock=True)
    if account is None:
        return
    now = uow.clock.now()
    after = apply_money_rule(account, await owes(uow, account), now, block_reason(account))
    if after != account:
        await store_change(uow, account, after, actor=actor, action=f"account.{after.status}",
                           at=now, unblock_reason=unblock_reason, data=data)


def block_event(before: Account, after: Account,
                unblock_reason: str) -> AccountBlocked | AccountUnblocked | None:
    """The block or unblock a change causes, if any."""
    if after.status is AccountStatus.BLOCKED and before.status is not AccountStatus.BLOCKED:
        return AccountBlocked(account_id=after.id, reason=after.blocked_reason or "unpaid")
    if before.status is AccountStatus.BLOCKED and after.status is not AccountStatus.BLOCKED:
        return AccountUnblocked(account_id=after.id, reason=unblock_reason)
    return None


def change_entry(before: Account, after: Account, *, actor: str, action: str, at: datetime,
                 data: dict[str, Any] | None = None) -> AuditEntry:
    """The audit entry of a lifecycle change from ``before`` to ``after``."""
    details = {"status_from": before.status, "status_to": after.status,
               "blocked_reason": after.blocked_reason} | (data or {})
    return AuditEntry(at, actor, action, "account", after.id, details)


async def store_change(uow: UnitOfWork, before: Account, after: Account, *, actor: str,
                       action: str, at: datetime, unblock_reason: str = "",
                       data: dict[str, Any] | None = None) -> None:
    """Save ``after``, audit the change from ``before`` and announce a block or unblock."""
    await uow.accounts.save(after)
    await uow.audit.record(change_entry(before, after, actor=actor, action=action, at=at,
                                        data=data))
    if (event := block_event(before, after, unblock_reason or action)) is not None:
        uow.emit(event, subject=after.id)


def suspension_event(kind: type[AccountSuspended], account: Account, start: datetime,
                     end: datetime) -> AccountSuspended:
    """The suspension's days in the account's time zone, and its exact instants."""
    zone = ZoneInfo(account.timezone)
    return kind(account_id=account.id, from_=start.astimezone(zone).date(),
                until=end.astimezone(zone).date(), from_at=start, until_at=end)
