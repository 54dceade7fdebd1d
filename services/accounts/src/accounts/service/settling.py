"""Settling what came due on accounts: ended suspensions resume, ended promises expire.

A chunk of accounts is settled in one transaction with a handful of statements whatever its
size: the accounts are locked in one ``SELECT … FOR UPDATE`` (in id order), what they owe is
read for all of them at once, the rules of the domain run in memory, and the new states, the
audit entries and the events are written together. Each account is re-checked under its lock,
so a second pass, a concurrent one or one after a restart finds nothing due and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from tarifa.messaging.catalogue import AccountResumed, EventData, PromisedPaymentExpired

from accounts.domain.account import Account, AccountStatus
from accounts.domain.audit import AuditEntry
from accounts.domain.lifecycle import BALANCE_RESTORED, apply_money_rule, expire_promise, resume
from accounts.service.ports import UnitOfWork
from accounts.service.status import (
    block_event,
    block_reason,
    change_entry,
    owing,
    suspension_event,
)

__all__ = ["SCHEDULER", "Settled", "enforce_money_rules", "resumed", "settle_accounts"]

SCHEDULER = "system:scheduler"
EXPIRED = "promised_payment.expired"


@dataclass
class Settled:
    """What settling writes: the accounts as they become, their audit entries and events."""

    actor: str
    accounts: dict[str, Account] = field(default_factory=dict)
    entries: list[AuditEntry] = field(default_factory=list)
    events: list[tuple[EventData, str]] = field(default_factory=list)

    def announce(self, event: EventData, account_id: str) -> None:
        self.events.append((event, account_id))

    def change(self, before: Account, after: Account, *, action: str, at: datetime,
               unblock_reason: str, data: dict[str, object] | None = None) -> None:
        self.accounts[after.id] = after
        self.entries.append(change_entry(before, after, actor=self.actor, action=action, at=at,
                                         data=data))
        if (event := block_event(before, after, unblock_reason)) is not None:
            self.announce(event, after.id)

    async def write(self, uow: UnitOfWork) -> None:
        await uow.accounts.save_states(list(self.accounts.values()))
        await uow.audit.record_many(self.entries)
        for event, subject in self.events:
            uow.emit(event, subject=subject)


def resumed(out: Settled, account: Account, at: datetime, owes: bool) -> Account:
    """End the suspension at ``at``; an account that owes is blocked on resuming."""
    start = account.suspension.start if account.suspension else at
    after = resume(account, at, owes)
    out.announce(suspension_event(AccountResumed, account, start, at), account.id)
    out.change(account, after, action="account.resumed", at=at, unblock_reason=BALANCE_RESTORED)
    return after


def _expired(out: Settled, account: Account, _at: datetime, owes: bool) -> Account:
    assert account.promise is not None  # only due promises reach here
    until = account.promise.until
    after = expire_promise(account, owes)
    out.announce(PromisedPaymentExpired(account_id=account.id, until=until), account.id)
    out.change(account, after, action=EXPIRED, at=until, unblock_reason=EXPIRED,
               data={"until": until})
    return after


Step = Callable[[Settled, Account, datetime, bool], Account]


def _due_steps(account: Account, now: datetime) -> list[tuple[datetime, Step]]:
    """What has come due, in the order it fell due, so that a clock jump replays history."""
    steps: list[tuple[datetime, Step]] = []
    if account.promise is not None and account.promise.until <= now:
        steps.append((account.promise.until, _expired))
    suspension = account.suspension
    if account.status is AccountStatus.SUSPENDED and suspension and suspension.end <= now:
        steps.append((suspension.end, resumed))
    return sorted(steps, key=lambda step: step[0])


def _settle(out: Settled, account: Account, now: datetime, owes: bool) -> None:
    for at, step in _due_steps(account, now):
        account = step(out, account, at, owes)


async def settle_accounts(uow: UnitOfWork, account_ids: Sequence[str]) -> int:
    """Settle what is due on these accounts in one transaction; return how many had something."""
    async with uow:
        now = uow.clock.now()
        due = [a for a in await uow.accounts.lock_many(account_ids) if _due_steps(a, now)]
        owes = await owing(uow, due) if due else set()
        out = Settled(SCHEDULER)
        for account in due:
            _settle(out, account, now, account.id in owes)
        await out.write(uow)
        await uow.commit()
    return len(due)


def _money_rule(out: Settled, account: Account, now: datetime, owes: bool) -> None:
    after = apply_money_rule(account, owes, now, block_reason(account))
    if after != account:
        out.change(account, after, action=f"account.{after.status}", at=now,
                   unblock_reason=BALANCE_RESTORED)


async def enforce_money_rules(uow: UnitOfWork, account_ids: Sequence[str]) -> int:
    """Block (or unblock) these accounts for what they owe now, in one transaction, as
    ``enforce_money_rule`` does for one; return how many changed."""
    async with uow:
        now = uow.clock.now()
        accounts = await uow.accounts.lock_many(account_ids)
        owes = await owing(uow, accounts) if accounts else set()
        out = Settled(SCHEDULER)
        for account in accounts:
            _money_rule(out, account, now, account.id in owes)
        await out.write(uow)
        await uow.commit()
    return len(out.accounts)
