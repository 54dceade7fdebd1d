"""Activating lines on an account and listing them; a prepaid plan needs one fee of balance (A5)."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from tarifa.messaging.catalogue import LineActivated

from accounts.domain.account import Account
from accounts.domain.audit import AuditEntry
from accounts.domain.errors import InvalidRequest, MsisdnTaken, UnknownEntity
from accounts.domain.line import Line, normalise_msisdn
from accounts.service.accounts import balance_of
from accounts.service.ports import UnitOfWork

__all__ = ["ActivateLine", "activate_line", "list_lines"]


@dataclass(frozen=True, slots=True)
class ActivateLine:
    account_id: str
    msisdn: str
    plan_code: str
    actor: str
    connected_at: datetime | None = None


async def _account(uow: UnitOfWork, account_id: str) -> Account:
    account = await uow.accounts.get(account_id)
    if account is None:
        raise UnknownEntity(f"account {account_id} not found")
    return account


async def _check_activation(uow: UnitOfWork, account: Account, plan_code: str,
                            msisdn: str) -> None:
    account.check_open()
    plan = await uow.plans.latest(plan_code)
    if plan is None:
        raise InvalidRequest(f"unknown plan {plan_code}", field="plan_code")
    plan.check_fits(account)
    plan.check_affordable(account, (await balance_of(uow, account)).amount)
    if await uow.lines.active(msisdn) is not None:
        raise MsisdnTaken(f"{msisdn} is already an active line")
    free_from = await uow.lines.quarantined_until(msisdn, uow.clock.now())
    if free_from is not None:
        raise MsisdnTaken(f"{msisdn} belonged to a line closed recently; it may go to a new "
                          f"line from {free_from.isoformat()}")


async def _store(uow: UnitOfWork, line: Line, actor: str) -> None:
    await uow.lines.add(line)
    await uow.audit.record(AuditEntry(uow.clock.now(), actor, "line.activated", "line", line.id,
                                      asdict(line)))
    uow.emit(LineActivated(account_id=line.account_id, msisdn=line.msisdn,
                           plan_code=line.plan_code, connected_at=line.connected_at),
             subject=line.account_id)


async def activate_line(uow: UnitOfWork, command: ActivateLine) -> Line:
    """Connect a number to an account on a plan that fits it, and announce it."""
    msisdn = normalise_msisdn(command.msisdn)
    async with uow:
        account = await _account(uow, command.account_id)
        await _check_activation(uow, account, command.plan_code, msisdn)
        connected_at = (command.connected_at or uow.clock.now()).astimezone(UTC)
        line = Line(id=str(uuid.uuid4()), account_id=account.id, msisdn=msisdn,
                    plan_code=command.plan_code, connected_at=connected_at)
        await _store(uow, line, command.actor)
        await uow.commit()
    return line


async def list_lines(uow: UnitOfWork, account_id: str) -> list[Line]:
    async with uow:
        await _account(uow, account_id)
        return await uow.lines.of_account(account_id)
