"""Subscriptions to the monthly detailed bill by email, and the job that makes each month's.

The job runs every hour (and when the test clock moves): for every active subscription, 500 to
a transaction, it records the previous month's bill once (a unique month per account in the
database, so a second pass, a concurrent one or one after a restart adds nothing), audited as
the job's. The bill is then made, charged and announced like any detailed bill (``service.detailed_bills``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal

from tarifa.audit import Actor
from tarifa.logging import get_logger

from invoicing.domain.account import BillingAccount, local_date
from invoicing.domain.detailed_bill import DetailedBill, DetailedBillStatus
from invoicing.domain.detailed_bill_subscription import (
    MONTHLY_DIRECTION,
    Month,
    Subscription,
    due_month,
)
from invoicing.service.detailed_bills import AccountNotFound, DetailedBillPolicy
from invoicing.service.ports import UnitOfWork

__all__ = ["CHUNK", "JOB", "make_monthly_detailed_bills", "set_subscription", "subscription_of"]

JOB = Actor.system("invoicing.monthly-detailed-bills")
CHUNK = 500
"""Subscriptions looked at in one transaction."""
log = get_logger("invoicing.detailed_bills")


async def _account(uow: UnitOfWork, account_id: str) -> BillingAccount:
    account = await uow.accounts.get(account_id)
    if account is None:
        raise AccountNotFound(f"account {account_id} not found")
    return account


async def subscription_of(uow: UnitOfWork, account_id: str) -> Subscription:
    """The account's subscription; off when it never had one."""
    async with uow:
        await _account(uow, account_id)
        found = await uow.subscriptions.get(account_id)
    return found or Subscription(account_id, False, None, uow.clock.now())


async def set_subscription(uow: UnitOfWork, account_id: str, active: bool) -> Subscription:
    """Switch the monthly email on or off (the same state again changes nothing)."""
    async with uow:
        await _account(uow, account_id)
        before = await uow.subscriptions.get(account_id)
        if before is not None and before.active == active:
            return before
        now = uow.clock.now()
        since = now if active else (before.since if before else None)
        after = Subscription(account_id, active, since, now)
        await uow.subscriptions.put(after)
        await uow.trail.record(uow.actor, "detailed_bill_subscription.changed",
                               "detailed_bill_subscription", account_id, before=before,
                               after=after)
        await uow.commit()
    return after


def _monthly_bill(account: BillingAccount, month: Month, fee: Decimal,
                  now: datetime) -> DetailedBill:
    return DetailedBill(
        id=str(uuid.uuid4()), account_id=account.account_id, from_date=month.first,
        to_date=month.last, direction=MONTHLY_DIRECTION, status=DetailedBillStatus.PENDING,
        fee=fee, currency=account.currency, requested_at=now, month=month.key)


async def _month_of(uow: UnitOfWork, policy: DetailedBillPolicy,
                    subscription: Subscription) -> bool:
    """Record the month due for one subscription, at most once; True when recorded now."""
    account = await uow.accounts.get(subscription.account_id)
    if account is None:
        return False
    now = uow.clock.now()
    since = local_date(account, subscription.since) if subscription.since else None
    month = due_month(subscription, local_date(account, now), since, account.closed_on)
    fee = policy.monthly_fees.get(account.currency)
    if month is None or fee is None:
        return False
    bill = _monthly_bill(account, month, fee, now)
    if not await uow.detailed_bills.add_monthly(bill):
        return False
    await uow.trail.record(JOB, "detailed_bill.requested", "detailed_bill", bill.id, after=bill)
    return True


async def _chunk(new_uow: Callable[[], UnitOfWork], policy: DetailedBillPolicy,
                 subscriptions: Sequence[Subscription]) -> int:
    """One transaction for the chunk's subscriptions."""
    async with new_uow().acting(JOB) as uow:
        made = [await _month_of(uow, policy, subscription) for subscription in subscriptions]
        await uow.commit()
    return sum(made)


async def _chunk_or_each(new_uow: Callable[[], UnitOfWork], policy: DetailedBillPolicy,
                         subscriptions: Sequence[Subscription]) -> int:
    """A chunk that fails is tried one subscription at a time, so one account stops no other."""
    try:
        return await _chunk(new_uow, policy, subscriptions)
    except Exception as exc:  # the failing one is logged below; the rest go on
        log.warning("monthly_detailed_bills_chunk_failed", error=repr(exc))
    made = 0
    for subscription in subscriptions:
        try:
            made += await _chunk(new_uow, policy, [subscription])
        except Exception as exc:  # left for the next pass
            log.error("monthly_detailed_bill_failed", account_id=subscription.account_id,
                      error=repr(exc))
    return made


async def make_monthly_detailed_bills(new_uow: Callable[[], UnitOfWork],
                                      policy: DetailedBillPolicy, *, chunk: int = CHUNK) -> int:
    """Record the previous month's bill of every active subscription that has none yet."""
    async with new_uow() as uow:
        active = await uow.subscriptions.active()
    made = 0
    for start in range(0, len(active), chunk):
        made += await _chunk_or_each(new_uow, policy, active[start:start + chunk])
    if made:
        log.info("monthly_detailed_bills", recorded=made)
    return made
