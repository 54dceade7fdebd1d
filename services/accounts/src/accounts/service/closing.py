"""Use cases of closing: a line, or an account with all its lines.

Each closed line is announced (``accounts.line.closed``) so rating stops its fees and refuses
its usage from the closing instant; a closed account is announced (``accounts.account.closed``)
so invoicing issues its final invoice at once. Every change is audited in its transaction.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from tarifa.messaging.catalogue import AccountClosed, LineClosed

from accounts.domain.account import Account
from accounts.domain.audit import AuditEntry
from accounts.domain.closing import ClosingPolicy, close_account, close_line
from accounts.domain.errors import UnknownEntity
from accounts.domain.line import Line, LineStatus, normalise_msisdn
from accounts.service.accounts import load_account
from accounts.service.ports import UnitOfWork

__all__ = ["CloseAccount", "CloseLine", "close_account_and_lines", "close_one_line"]


@dataclass(frozen=True, slots=True)
class CloseLine:
    msisdn: str
    actor: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class CloseAccount:
    account_id: str
    actor: str
    reason: str = ""


async def _close(uow: UnitOfWork, line: Line, at: datetime, policy: ClosingPolicy, actor: str,
                 reason: str) -> Line:
    closed = close_line(line, at, policy)
    assert closed.closed_at is not None and closed.number_free_from is not None  # set by close
    await uow.lines.save(closed)
    await uow.audit.record(AuditEntry(at, actor, "line.closed", "line", line.id,
                                      asdict(closed) | {"reason": reason}))
    uow.emit(LineClosed(account_id=line.account_id, msisdn=line.msisdn, closed_at=at,
                        number_free_from=closed.number_free_from, reason=reason),
             subject=line.account_id)
    return closed


async def _active_line(uow: UnitOfWork, msisdn: str) -> Line:
    line = await uow.lines.active(normalise_msisdn(msisdn))
    locked = await uow.lines.lock(line.id) if line is not None else None
    if locked is None or locked.status is not LineStatus.ACTIVE:
        raise UnknownEntity(f"no active line {msisdn}")
    return locked


async def close_one_line(uow: UnitOfWork, command: CloseLine, policy: ClosingPolicy) -> Line:
    """Close an active line now."""
    async with uow:
        line = await _active_line(uow, command.msisdn)
        closed = await _close(uow, line, uow.clock.now(), policy, command.actor, command.reason)
        await uow.commit()
    return closed


def _announce(uow: UnitOfWork, account: Account, at: datetime, reason: str) -> None:
    day = at.astimezone(ZoneInfo(account.timezone)).date()
    uow.emit(AccountClosed(account_id=account.id, closed_at=at, closed_on=day, reason=reason),
             subject=account.id)


async def close_account_and_lines(uow: UnitOfWork, command: CloseAccount,
                                  policy: ClosingPolicy) -> Account:
    """Close the account and each of its active lines now; its lines are announced first, so
    rating has stopped them before invoicing bills the account's final invoice."""
    async with uow:
        account = await load_account(uow, command.account_id, lock=True)
        after, now = close_account(account), uow.clock.now()
        for line in await uow.lines.of_account(account.id):
            if line.status is LineStatus.ACTIVE:
                await _close(uow, line, now, policy, command.actor, command.reason)
        await uow.accounts.save(after)
        await uow.audit.record(AuditEntry(now, command.actor, "account.closed", "account",
                                          account.id, {"status_from": account.status,
                                                       "status_to": after.status,
                                                       "reason": command.reason}))
        _announce(uow, after, now, command.reason)
        await uow.commit()
    return after
