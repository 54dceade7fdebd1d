"""The time-driven work of accounts: what came due since the last look, caught up in one pass.

Ended suspensions and promises are settled a chunk of accounts per transaction (see
``accounts.service.settling``); a chunk that fails is rolled back and its accounts are settled
one by one, so one bad account delays only itself and is retried on the next pass.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

from tarifa.logging import get_logger
from tarifa.scheduling import attempt

from accounts.service.plan_changes import apply_plan_change
from accounts.service.ports import UnitOfWork
from accounts.service.reminders import remind_endings
from accounts.service.settling import enforce_money_rules, settle_accounts

__all__ = ["CHUNK", "in_chunks", "run_due_jobs", "settle_due"]

CHUNK = 500
log = get_logger(__name__)

OTP_KEPT = timedelta(days=1)
"""How long spent challenges and request marks are kept (for the rate limits and audits)."""


async def _purge_codes(new_uow: Callable[[], UnitOfWork]) -> None:
    uow = new_uow()
    async with uow:
        before = uow.clock.now() - OTP_KEPT
        await uow.otp_challenges.purge(before)
        await uow.otp_requests.purge(before)
        await uow.commit()


Chunk = Callable[[UnitOfWork, Sequence[str]], Awaitable[int]]


async def _chunk(new_uow: Callable[[], UnitOfWork], account_ids: Sequence[str], work: Chunk,
                 job: str) -> None:
    try:
        await work(new_uow(), account_ids)
        return
    except Exception as exc:
        log.warning("account_chunk_failed", job=job, accounts=len(account_ids), error=repr(exc))
    for account_id in account_ids:
        await attempt(job, account_id, work(new_uow(), [account_id]))


async def in_chunks(new_uow: Callable[[], UnitOfWork], account_ids: Sequence[str], work: Chunk,
                    job: str, *, chunk: int = CHUNK) -> None:
    """Run ``work`` on the accounts a chunk at a time; a chunk that fails, one at a time."""
    for start in range(0, len(account_ids), chunk):
        await _chunk(new_uow, account_ids[start:start + chunk], work, job)


async def settle_due(new_uow: Callable[[], UnitOfWork], account_ids: Sequence[str], *,
                     chunk: int = CHUNK) -> None:
    """Settle the accounts a chunk at a time."""
    await in_chunks(new_uow, account_ids, settle_accounts, "accounts-settle", chunk=chunk)


async def run_due_jobs(new_uow: Callable[[], UnitOfWork]) -> int:
    """Resume ended suspensions, expire ended promises, apply due plan changes, block postpaid
    accounts whose overdue invoice is past its grace, remind of promises and suspensions that
    end within a day, and forget old one-time codes.

    Each chunk of accounts, and each line, is settled in its own transaction under row locks and
    re-checked there, so concurrent runs (clock moves, the periodic check, other replicas) do
    each thing once.
    One that fails is logged and counted and stays due for the next run; the others go on.
    Returns how many accounts and lines were looked at.
    """
    uow = new_uow()
    async with uow:
        now = uow.clock.now()
        account_ids = await uow.accounts.due(now)
        line_ids = await uow.lines.with_pending_change(now)
        overdue_ids = await uow.invoices.accounts_to_block(now)
    await settle_due(new_uow, account_ids)
    for line_id in line_ids:
        await attempt("accounts-plan-change", line_id, apply_plan_change(new_uow(), line_id))
    await in_chunks(new_uow, overdue_ids, enforce_money_rules, "accounts-block")
    await attempt("accounts-reminders", "endings", remind_endings(new_uow))
    await attempt("accounts-purge-codes", "otp", _purge_codes(new_uow))
    return len(account_ids) + len(line_ids) + len(overdue_ids)
