"""An operator moves an account between prepaid and postpaid (A5), now.

Each active line goes onto the plan given for it (of the new mode) at once, announced as a plan
change so that rating settles the fees of the month under the new mode; the account's new mode is
announced in ``accounts.account.updated`` to the replicas; the money rule of the new mode then
decides whether the account stays blocked (an unpaid prepaid balance is a debt to invoice once
postpaid, not a reason to stay blocked)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from tarifa.messaging.catalogue import AccountUpdated, LinePlanChanged

from accounts.domain.account import Account, PaymentMode
from accounts.domain.audit import AuditEntry
from accounts.domain.errors import InvalidRequest
from accounts.domain.line import Line, LineStatus, Plan, normalise_msisdn
from accounts.domain.payment_mode import check_mode_change, moved
from accounts.service.accounts import balance_of, load_account
from accounts.service.ports import UnitOfWork
from accounts.service.status import enforce_money_rule

__all__ = ["ChangePaymentMode", "change_payment_mode"]


@dataclass(frozen=True, slots=True)
class ChangePaymentMode:
    account_id: str
    payment_mode: PaymentMode
    plans: dict[str, str]
    """The plan code for each active line of the account, by its number."""
    actor: str


async def _plans(uow: UnitOfWork, codes: dict[str, str]) -> dict[str, Plan]:
    found: dict[str, Plan] = {}
    for msisdn, code in codes.items():
        plan = await uow.plans.latest(code)
        if plan is None:
            raise InvalidRequest(f"unknown plan {code}", field="plans")
        found[normalise_msisdn(msisdn)] = plan
    return found


async def _active_lines(uow: UnitOfWork, account_id: str) -> list[Line]:
    lines = [line for line in await uow.lines.of_account(account_id)
             if line.status is LineStatus.ACTIVE]
    return [locked for line in lines if (locked := await uow.lines.lock(line.id)) is not None]


async def _move_line(uow: UnitOfWork, line: Line, plan: Plan, now: datetime, actor: str) -> None:
    """The line on ``plan`` from now; a pending change of the old mode is dropped."""
    await uow.lines.save(replace(line, plan_code=plan.code, pending_plan=None, pending_at=None))
    change = {"msisdn": line.msisdn, "from_plan": line.plan_code, "to_plan": plan.code,
              "effective_at": now}
    await uow.audit.record(AuditEntry(now, actor, "line.plan_changed", "line", line.id,
                                      change | {"when": "now", "dropped_pending": line.pending_plan}))
    uow.emit(LinePlanChanged(account_id=line.account_id, **change), subject=line.account_id)


async def _store(uow: UnitOfWork, before: Account, after: Account, actor: str) -> None:
    now = uow.clock.now()
    await uow.accounts.save(after)
    await uow.audit.record(AuditEntry(now, actor, "account.payment_mode_changed", "account",
                                      after.id, {"from": before.payment_mode,
                                                 "to": after.payment_mode}))
    uow.emit(AccountUpdated(account_id=after.id, payment_mode=str(after.payment_mode)),
             subject=after.id)


async def change_payment_mode(uow: UnitOfWork, command: ChangePaymentMode) -> None:
    """Move the account and its lines to the new mode, or refuse and change nothing."""
    async with uow:
        account = await load_account(uow, command.account_id, lock=True)
        after = moved(account, command.payment_mode)
        lines = await _active_lines(uow, account.id)
        plans = await _plans(uow, command.plans)
        check_mode_change(after, lines, plans, (await balance_of(uow, account)).amount)
        await _store(uow, account, after, command.actor)
        for line in lines:
            await _move_line(uow, line, plans[line.msisdn], uow.clock.now(), command.actor)
        await enforce_money_rule(uow, account.id, actor=command.actor,
                                 unblock_reason="payment_mode_changed")
        await uow.commit()
