"""Changing a line's plan now or from the next period (A8), within the prepaid rule (A5)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from tarifa.messaging.catalogue import LinePlanChanged

from accounts.domain.audit import AuditEntry
from accounts.domain.errors import InvalidRequest, UnknownEntity
from accounts.domain.line import Line, Plan, normalise_msisdn
from accounts.domain.plan_change import PlanChange, When, check_plan_change, effective_at
from accounts.service.accounts import balance_of, load_account
from accounts.service.ports import UnitOfWork

__all__ = ["ChangePlan", "apply_plan_change", "change_plan"]


@dataclass(frozen=True, slots=True)
class ChangePlan:
    msisdn: str
    plan_code: str
    when: When
    actor: str
    account_scope: str | None = None
    """A subscriber's own account: lines of other accounts look unknown."""


async def _line(uow: UnitOfWork, msisdn: str, scope: str | None) -> Line:
    line = await uow.lines.active(msisdn)
    if line is not None and scope in (None, line.account_id):
        locked = await uow.lines.lock(line.id)
        if locked is not None:
            return locked
    raise UnknownEntity(f"no active line {msisdn}")


async def _plan(uow: UnitOfWork, code: str) -> Plan:
    plan = await uow.plans.latest(code)
    if plan is None:
        raise InvalidRequest(f"unknown plan {code}", field="plan_code")
    return plan


def _changed(line: Line, change: PlanChange, when: When) -> Line:
    if when is When.NOW:
        return replace(line, plan_code=change.to_plan, pending_plan=None, pending_at=None)
    return replace(line, pending_plan=change.to_plan, pending_at=change.effective_at)


async def change_plan(uow: UnitOfWork, command: ChangePlan) -> PlanChange:
    """Move a line to a plan that fits its account, now or from the next period."""
    msisdn = normalise_msisdn(command.msisdn)
    async with uow:
        line = await _line(uow, msisdn, command.account_scope)
        account = await load_account(uow, line.account_id, lock=True)
        plan = await _plan(uow, command.plan_code)
        check_plan_change(line, plan, account, (await balance_of(uow, account)).amount)
        now = uow.clock.now()
        change = PlanChange(msisdn, line.plan_code, plan.code,
                            effective_at(command.when, now, account.timezone))
        await uow.lines.save(_changed(line, change, command.when))
        await uow.audit.record(AuditEntry(now, command.actor, "line.plan_changed", "line",
                                          line.id, asdict(change) | {"when": command.when}))
        uow.emit(LinePlanChanged(account_id=account.id, **asdict(change)), subject=account.id)
        await uow.commit()
    return change


async def apply_plan_change(uow: UnitOfWork, line_id: str) -> None:
    """Put a line on its pending plan once the change takes effect; a second run does nothing."""
    async with uow:
        line = await uow.lines.lock(line_id)
        if line is None or line.pending_at is None or line.pending_at > uow.clock.now():
            return
        assert line.pending_plan is not None  # set together with pending_at
        applied = replace(line, plan_code=line.pending_plan, pending_plan=None, pending_at=None)
        await uow.lines.save(applied)
        await uow.audit.record(AuditEntry(line.pending_at, "system:scheduler",
                                          "line.plan_applied", "line", line.id,
                                          {"from": line.plan_code, "to": applied.plan_code}))
        await uow.commit()
