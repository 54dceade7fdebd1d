"""Use cases of the account lifecycle: suspension, resume, promised payments, due changes.

Each change announces itself before the block or unblock it causes.
"""

from __future__ import annotations

from dataclasses import dataclass

from tarifa.messaging.catalogue import AccountSuspended, PromisedPaymentGranted

from accounts.domain.account import Account, PromisedPayment, Suspension
from accounts.domain.lifecycle import PROMISE_GRANTED, grant_promise, suspend
from accounts.domain.policy import AccountsPolicy
from accounts.service.accounts import balance_of, load_account
from accounts.service.ports import UnitOfWork
from accounts.service.settling import Settled, resumed, settle_accounts
from accounts.service.status import owes, store_change, suspension_event

__all__ = ["Suspend", "grant_promised_payment", "resume_account", "settle_account",
           "suspend_account"]


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


async def resume_account(uow: UnitOfWork, account_id: str, actor: str) -> Account:
    """End a suspension now."""
    async with uow:
        account = await load_account(uow, account_id, lock=True)
        out = Settled(actor)
        after = resumed(out, account, uow.clock.now(), await owes(uow, account))
        await out.write(uow)
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


async def settle_account(uow: UnitOfWork, account_id: str) -> None:
    """Resume an ended suspension and expire an ended promise; a second run finds nothing due."""
    await settle_accounts(uow, [account_id])
