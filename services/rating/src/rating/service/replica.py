"""Keeping the rating replica from the accounts and invoicing events.

Accounts and lines (a line's parked usage records are rated as it arrives), plan changes (from
their ``effective_at``), suspensions (a suspension ends at its ``until``; a resumption names the
suspension's start and the instant it ended), and the latest period each account was invoiced
for.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time

from tarifa.messaging.catalogue import (
    AccountOpened,
    AccountSuspended,
    AccountUpdated,
    InvoiceIssued,
    LineActivated,
    LinePlanChanged,
)
from tarifa.messaging.envelope import CloudEvent

from rating.domain.lines import Account, Line, PlanChange, Suspension
from rating.domain.policy import RatingPolicy
from rating.domain.schedule import local_zone
from rating.service.parked import settle_parked
from rating.service.ports import UnitOfWork

__all__ = ["record_account", "record_account_update", "record_invoice", "record_line", "record_plan_change",
           "record_suspension"]


PAYMENT_MODES = ("prepaid", "postpaid")


def _aware(instant: datetime) -> datetime:
    """A time without an offset is read as UTC."""
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


async def record_account(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    data = event.parse(AccountOpened)
    async with uow:
        if await uow.first_time(consumer, event.id):
            await uow.replica.upsert_account(
                Account(data.account_id, data.currency, data.payment_mode, data.timezone))
            await uow.commit()


async def record_account_update(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    """A new payment mode: the fees of the line's month are settled under it from then on
    (a month begun prepaid and ended postpaid is charged daily, then its rest at once)."""
    data = event.parse(AccountUpdated)
    async with uow:
        if await uow.first_time(consumer, event.id) and data.payment_mode in PAYMENT_MODES:
            account = await uow.replica.account(data.account_id)
            if account is not None and data.payment_mode is not None:
                await uow.replica.upsert_account(replace(account, payment_mode=data.payment_mode))
        await uow.commit()


async def record_line(uow: UnitOfWork, consumer: str, event: CloudEvent,
                      policy: RatingPolicy) -> None:
    """A line now known: its parked records are rated in the same transaction."""
    data = event.parse(LineActivated)
    async with uow:
        if await uow.first_time(consumer, event.id):
            await uow.replica.upsert_line(
                Line(data.msisdn, data.account_id, data.plan_code, _aware(data.connected_at)))
            await settle_parked(uow, data.msisdn, policy)
            await uow.commit()


async def record_plan_change(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    data = event.parse(LinePlanChanged)
    async with uow:
        if await uow.first_time(consumer, event.id):
            await uow.replica.add_plan_change(
                data.msisdn, PlanChange(_aware(data.effective_at), data.to_plan))
            await uow.commit()


def _instant(exact: datetime | None, day: date | None, account: Account | None) -> datetime | None:
    """The exact instant when given, else the start of ``day`` in the account's time zone."""
    if exact is not None:
        return _aware(exact)
    return datetime.combine(day, time(0), tzinfo=local_zone(account)) if day else None


async def _suspension(uow: UnitOfWork, data: AccountSuspended) -> Suspension | None:
    account = await uow.replica.account(data.account_id)
    start = _instant(data.from_at, data.from_, account)
    end = _instant(data.until_at, data.until, account)
    if start is None or end is None:
        return None
    return Suspension(data.account_id, start, end)


async def record_suspension(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    """A suspension, or the resumption that ends it (both carry its start and its end)."""
    data = event.parse(AccountSuspended)
    async with uow:
        if await uow.first_time(consumer, event.id):
            suspension = await _suspension(uow, data)
            if suspension is not None:
                await uow.replica.upsert_suspension(suspension)
            await uow.commit()


async def record_invoice(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    data = event.parse(InvoiceIssued)
    async with uow:
        if await uow.first_time(consumer, event.id):
            await uow.replica.record_invoiced(data.account_id, data.period_end)
            await uow.commit()
