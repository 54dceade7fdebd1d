"""Switching bill delivery between e-bill and paper (A9), and the bonus points it may earn."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime

from tarifa.messaging.catalogue import AccountUpdated, BonusAwarded

from accounts.domain.account import Account, BillDelivery
from accounts.domain.audit import AuditEntry
from accounts.domain.bonus import EBILL_SWITCH, BonusMovement, is_switch_to_ebill
from accounts.domain.errors import UnknownEntity
from accounts.domain.policy import AccountsPolicy
from accounts.service.accounts import load_account
from accounts.service.ports import UnitOfWork

__all__ = ["BonusStatement", "ChangeDelivery", "change_bill_delivery", "get_bonus"]


@dataclass(frozen=True, slots=True)
class ChangeDelivery:
    account_id: str
    delivery: BillDelivery
    actor: str


@dataclass(frozen=True, slots=True)
class BonusStatement:
    points: int
    movements: list[BonusMovement]


async def _completed(uow: UnitOfWork, account: Account, delivery: BillDelivery) -> BillDelivery:
    customer = await uow.customers.get(account.customer_id)
    if customer is None:
        raise UnknownEntity(f"customer {account.customer_id} not found")
    return delivery.completed_for(customer)


async def _award_ebill_bonus(uow: UnitOfWork, account: Account, at: datetime, actor: str,
                             points: int) -> Account:
    """The first switch to e-bill earns the policy's points, once per account ever."""
    if points <= 0 or await uow.bonus.has(account.id, EBILL_SWITCH):
        return account
    await uow.bonus.add(BonusMovement(account.id, at, points, EBILL_SWITCH))
    await uow.audit.record(AuditEntry(at, actor, "bonus.awarded", "account", account.id,
                                      {"points": points, "reason": EBILL_SWITCH}))
    uow.emit(BonusAwarded(account_id=account.id, points=points, reason=EBILL_SWITCH),
             subject=account.id)
    return replace(account, bonus_points=account.bonus_points + points)


async def _store(uow: UnitOfWork, before: Account, after: Account, at: datetime,
                 actor: str) -> None:
    await uow.accounts.save(after)
    delivery = asdict(after.bill_delivery)
    await uow.audit.record(AuditEntry(at, actor, "account.bill_delivery_changed", "account",
                                      after.id, {"from": asdict(before.bill_delivery),
                                                 "to": delivery}))
    uow.emit(AccountUpdated(account_id=after.id, bill_delivery=delivery), subject=after.id)


async def change_bill_delivery(uow: UnitOfWork, command: ChangeDelivery,
                               policy: AccountsPolicy) -> Account:
    """Set how bills reach the account; an unchanged preference changes and announces nothing."""
    async with uow:
        account = await load_account(uow, command.account_id, lock=True)
        account.check_open()
        delivery = await _completed(uow, account, command.delivery)
        if delivery == account.bill_delivery:
            return account
        now = uow.clock.now()
        after = replace(account, bill_delivery=delivery)
        if is_switch_to_ebill(account.bill_delivery, delivery):
            after = await _award_ebill_bonus(uow, after, now, command.actor,
                                             policy.ebill_bonus_points)
        await _store(uow, account, after, now, command.actor)
        await uow.commit()
    return after


async def get_bonus(uow: UnitOfWork, account_id: str) -> BonusStatement:
    async with uow:
        account = await load_account(uow, account_id)
        movements = await uow.bonus.of_account(account_id)
    return BonusStatement(account.bonus_points, movements)
