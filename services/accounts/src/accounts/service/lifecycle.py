"""Use cases of the account lifecycle: suspension, resume, promised payments, due changes.

Each change announces itself before the block or unblock it causes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from tarifa.messaging.catalogue import (
    AccountResumed,
    AccountSuspended,
    PromisedPaymentExpired,
    PromisedPaymentGranted,
)

from accounts.domain.account import Account, AccountStatus, PromisedPayment, Suspension
from accounts.domain.lifecycle import (
    BALANCE_RESTORED,
    PROMISE_GRANTED,
    expire_promise,
    grant_promise,
    resume,
    suspend,
)
from accounts.domain.policy import AccountsPolicy
from accounts.service.accounts import balance_of, load_account
from accounts.service.ports import UnitOfWork
from accounts.service.status import owes, store_change, suspension_event

__all__ = ["Suspend", "grant_promised_payment", "resume_account", "settle_account",
           "suspend_account"]

SCHEDULER = "system:scheduler"


@dataclass(frozen=True, slots=True)
class Suspend:
    account_id: str
    days: int
    actor: str


async def suspend_account(uow: UnitOfWork, command: Suspend, policy: AccountsPolicy) -> Suspension:
    """Suspend an active account for some days (A7); it resumes by itself at the end."""
    async with uow:
        account = await load_account(uow, command.account_id, lock=True)
        now = uow.clock.now()
        after = suspend(account, command.days, now, policy)
        assert after.suspension is not None  # suspend always sets it
        await store_change(uow, account, after, actor=command.actor, action="account.suspended",
                           at=now, data={"days": command.days})
        uow.emit(suspension_event(AccountSuspended, after, after.suspension.start,
                                  after.suspension.end), subject=after.id)
        await uow.commit()
    return after.suspension


async def _resume(uow: UnitOfWork, account: Account, at: datetime, actor: str) -> Account:
    start = account.suspension.start if account.suspension else at
    after = resume(account, at, await owes(uow, account))
    uow.emit(suspension_event(AccountResumed, account, start, at), subject=account.id)
    await store_change(uow, account, after, actor=actor, action="account.resumed", at=at,
                       unblock_reason=BALANCE_RESTORED)
    return after


async def resume_account(uow: UnitOfWork, account_id: str, actor: str) -> Account:
    """End a suspension now."""
    async with uow:
        account = await load_account(uow, account_id, lock=True)
        after = await _resume(uow, account, uow.clock.now(), actor)
        await uow.commit()
    return after


async def grant_promised_payment(uow: UnitOfWork, account_id: str, actor: str,
                                 policy: AccountsPolicy) -> PromisedPayment:
    """Switch on a promised payment (A6): it lifts a block until it expires."""
    async with uow:
        account = await load_account(uow, account_id, lock=True)
        negative = (await balance_of(uow, account)).amount < 0
        now = uow.clock.now()
        after = grant_promise(account, negative, now, policy)
        assert after.promise is not None  # grant_promise always sets it
        uow.emit(PromisedPaymentGranted(account_id=after.id, until=after.promise.until),
                 subject=after.id)
        await store_change(uow, account, after, actor=actor, action="promised_payment.granted",
                           at=now, unblock_reason=PROMISE_GRANTED,
                           data={"until": after.promise.until})
        await uow.commit()
    return after.promise


async def _expire(uow: UnitOfWork, account: Account, _at: datetime, actor: str) -> Account:
    assert account.promise is not None  # only due promises reach here
    until = account.promise.until
    after = expire_promise(account, await owes(uow, account))
    uow.emit(PromisedPaymentExpired(account_id=account.id, until=until), subject=account.id)
    await store_change(uow, account, after, actor=actor, action="promised_payment.expired",
                       at=until, data={"until": until})
    return after


Step = Callable[[UnitOfWork, Account, datetime, str], Awaitable[Account]]


def _due_steps(account: Account, now: datetime) -> list[tuple[datetime, Step]]:
    """What has come due, in the order it fell due, so that a clock jump replays history."""
    steps: list[tuple[datetime, Step]] = []
    if account.promise is not None and account.promise.until <= now:
        steps.append((account.promise.until, _expire))
    suspension = account.suspension
    if account.status is AccountStatus.SUSPENDED and suspension and suspension.end <= now:
        steps.append((suspension.end, _resume))
    return sorted(steps, key=lambda step: step[0])


async def settle_account(uow: UnitOfWork, account_id: str) -> None:
    """Resume an ended suspension and expire an ended promise; a second run finds nothing due."""
    async with uow:
        account = await uow.accounts.get(account_id, lock=True)
        if account is None:
            return
        for at, step in _due_steps(account, uow.clock.now()):
            account = await step(uow, account, at, SCHEDULER)
        await uow.commit()
