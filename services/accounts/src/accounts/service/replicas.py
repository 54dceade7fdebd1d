"""Keeping the replicas of rating's plans and invoicing's balances from their events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

from tarifa.messaging.catalogue import BalanceChanged, PlanPublished
from tarifa.messaging.envelope import CloudEvent, PoisonMessage

from accounts.domain.account import Balance, PaymentMode, check_currency
from accounts.domain.audit import AuditEntry
from accounts.domain.errors import InvalidRequest
from accounts.domain.line import Plan
from accounts.service.ports import UnitOfWork
from accounts.service.status import enforce_money_rule

__all__ = ["record_balance", "record_plan"]


def _poison_unless_valid(event: CloudEvent, currency: str) -> None:
    try:
        check_currency(currency)
    except InvalidRequest as exc:
        raise PoisonMessage(f"{event.type} {event.id}: {exc}") from exc
    if event.time.tzinfo is None:
        raise PoisonMessage(f"{event.type} {event.id}: time without an offset")


def _plan(data: PlanPublished, event: CloudEvent) -> Plan:
    _poison_unless_valid(event, data.currency)
    try:
        mode = PaymentMode(data.payment_mode)
    except ValueError as exc:
        raise PoisonMessage(f"{event.type} {event.id}: unknown payment mode") from exc
    return Plan(code=data.code, version=data.version, payment_mode=mode,
                monthly_fee=data.monthly_fee, currency=data.currency, vat_rate=data.vat_rate,
                effective_from=data.effective_from)


def _audit(uow: UnitOfWork, event: CloudEvent, action: str, entity: str, entity_id: str,
           data: object) -> AuditEntry:
    return AuditEntry(uow.clock.now(), f"event:{event.source}", action, entity, entity_id,
                      {"event_id": event.id, "data": data})


async def record_plan(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    plan = _plan(event.parse(PlanPublished), event)
    async with uow:
        if await uow.first_time(consumer, event.id):
            await uow.plans.add(plan)
            await uow.audit.record(_audit(uow, event, "plan.replicated", "plan", plan.code,
                                          asdict(plan)))
            await uow.commit()


async def record_balance(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    """Hold the newest balance announced and apply the blocking rule to it; an older event
    that arrives late changes nothing."""
    await record_balances(uow, consumer, [event])


def _balance(event: CloudEvent) -> Balance:
    data = event.parse(BalanceChanged)
    _poison_unless_valid(event, data.currency)
    return Balance(data.account_id, data.balance, data.currency, event.time)


async def record_balances(uow: UnitOfWork, consumer: str, events: Sequence[CloudEvent]) -> None:
    """``record_balance`` for each of ``events`` in one transaction (the balances one usage
    batch moved): account after account in id order, so two batches never lock in a cycle, each
    account's events in the order given."""
    balances = sorted(((event, _balance(event)) for event in events), key=lambda p: p[1].account_id)
    async with uow:
        for event, balance in balances:
            await _replicate(uow, consumer, event, balance)
        await uow.commit()


async def _replicate(uow: UnitOfWork, consumer: str, event: CloudEvent, balance: Balance) -> None:
    if not await uow.first_time(consumer, event.id):
        return
    if balance.supersedes(await uow.balances.get(balance.account_id)):
        await uow.balances.save(balance)
        await uow.audit.record(_audit(uow, event, "balance.replicated", "account",
                                      balance.account_id, asdict(balance)))
        await enforce_money_rule(uow, balance.account_id, actor=f"event:{event.source}",
                                 data={"event_id": event.id})
