"""Issuing the statements of a chunk of a run's accounts in one transaction (SPEC I1–I4).

The chunk's accounts are locked, read and written with a few set-based statements; one block
of numbers per series is reserved for the invoices, in the accounts' order, inside the same
transaction, so that numbers stay gapless and a chunk that fails leaves nothing behind. An
account whose figures cannot be made (bad data) is reported with its reason and the others
are issued. An account issued already for the period is skipped: a run executed again issues
nothing twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from tarifa.audit import AuditEntry

from invoicing.domain.account import BillingAccount
from invoicing.domain.issuing import AccountBook, Draft, Terms, draft, numbered
from invoicing.domain.run import BillingRun
from invoicing.service.billing import BillingPolicy, audited
from invoicing.service.ports import UnitOfWork

__all__ = ["ChunkOutcome", "issue_statements"]


@dataclass(frozen=True, slots=True)
class ChunkOutcome:
    issued: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    """The accounts not billed, with why."""


def _drafts(books: Sequence[AccountBook], terms: Terms) -> tuple[list[Draft], dict[str, str]]:
    drafts, failed = [], {}
    for book in books:
        try:
            made = draft(book, terms)
        except Exception as exc:  # bad data of one account: reported, the others go on
            failed[book.account.account_id] = f"{type(exc).__name__}: {exc}"
            continue
        if made is not None:
            drafts.append(made)
    return drafts, failed


async def _number(uow: UnitOfWork, policy: BillingPolicy, drafts: list[Draft]) -> list[Draft]:
    if not drafts:
        return drafts
    year = drafts[0].invoice.issued_at.year
    first = await uow.statements.reserve_numbers(policy.series, year, len(drafts))
    return numbered(drafts, policy.series, year, first)


async def _write(uow: UnitOfWork, drafts: list[Draft],
                 accounts: dict[str, BillingAccount]) -> None:
    await uow.ledger.add([d.adjustment for d in drafts if d.adjustment is not None])
    await uow.statements.add_invoices([(d.invoice, accounts[d.invoice.account_id])
                                       for d in drafts])
    await uow.statements.state({entry_id: d.invoice.id for d in drafts for entry_id in d.entry_ids})
    await uow.trail.record_all([AuditEntry(uow.actor, "invoice.issued", "invoice", d.invoice.id,
                                           after=audited(d.invoice)) for d in drafts])


async def issue_statements(uow: UnitOfWork, policy: BillingPolicy, run: BillingRun,
                           account_ids: Sequence[str]) -> ChunkOutcome:
    """Issue the invoices of ``account_ids`` for the run's period, in one transaction."""
    async with uow:
        await uow.statements.lock(account_ids)
        books = await uow.statements.books(account_ids, run.period_end)
        now = uow.clock.now()
        drafts, failed = _drafts(books, Terms(run.id, run.period_end, policy.due_day, now))
        drafts = await _number(uow, policy, drafts)
        await _write(uow, drafts, {book.account.account_id: book.account for book in books})
        await uow.statements.record_failures(run.id, failed, now)
        await uow.statements.clear_failures(run.id, [d.invoice.account_id for d in drafts])
        await uow.commit()
    return ChunkOutcome(len(drafts), failed)
