"""Closing a period: billing runs and the invoice of one account (SPEC I1–I4), phase one.

Phase one gives each account's invoice its number in one short transaction per account; the
documents are rendered afterwards (``documents.issue_documents``), so that signing never holds
the numbering lock.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from invoicing.domain.account import BillingAccount
from invoicing.domain.billing import (
    Period,
    StatementFigures,
    check_period_end,
    due_date,
    figures,
    invoice_number,
    payable,
    period_start,
)
from invoicing.domain.invoice import Invoice, InvoiceStatus
from invoicing.domain.ledger import vat_rounding_entry
from invoicing.domain.run import BillingRun, RunStatus
from invoicing.domain.vat import rounding_difference
from invoicing.service.ports import UnitOfWork

__all__ = ["BillingPolicy", "audited", "bill_account", "issue_invoice", "start_run"]


@dataclass(frozen=True, slots=True)
class BillingPolicy:
    series: str = "TRF"
    due_day: int = 16


async def start_run(uow: UnitOfWork, period_end: date,
                    account_ids: Sequence[str] | None) -> BillingRun:
    """Record a run to execute; refuse a period that is not a closed calendar month."""
    now = uow.clock.now()
    check_period_end(period_end, now.date())
    run = BillingRun(id=str(uuid.uuid4()), period_end=period_end,
                     account_ids=tuple(account_ids) if account_ids is not None else None,
                     status=RunStatus.RUNNING, created_at=now)
    async with uow:
        await uow.runs.add(run)
        await uow.trail.record(uow.actor, "billing_run.started", "billing_run", run.id, after=run)
        await uow.commit()
    return run


async def _figures(uow: UnitOfWork, account: BillingAccount, start: date,
                   period_end: date) -> tuple[StatementFigures, list[str]]:
    """The statement of the movements not stated yet, up to the period's end.

    Where the invoice's VAT per rate differs from the VAT its charges were posted with (an
    invoice spanning several months' postings), the difference is posted here, so that the
    ledger always equals the invoices.
    """
    opening = -await uow.ledger.stated_balance(account.account_id)
    entries = await uow.ledger.unstated(account.account_id, period_end)
    charges = [entry for entry in entries if entry.is_charge]
    payments = [entry for entry in entries if not entry.is_charge]
    stated = figures(opening, charges, payments, Period(start, account.currency, account.language))
    ids = [e.id for e in entries]
    difference = rounding_difference(charges, stated.vat_breakdown)
    if difference:
        adjustment = vat_rounding_entry(account, difference, period_end, uow.clock.now())
        await uow.ledger.add([adjustment])
        ids.append(adjustment.id)
    return stated, ids


async def _open_amount(uow: UnitOfWork, account_id: str) -> Decimal:
    return sum((i.open_amount for i in await uow.invoices.open_oldest_first(account_id)),
               Decimal(0))


async def _invoice(uow: UnitOfWork, policy: BillingPolicy, account: BillingAccount,
                   period: tuple[date, date], run_id: str | None,
                   stated: StatementFigures) -> Invoice:
    now, (start, end) = uow.clock.now(), period
    to_pay = payable(stated.amount_due, await _open_amount(uow, account.account_id))
    sequence = await uow.invoices.next_number(policy.series, now.year)
    return Invoice(
        id=str(uuid.uuid4()), number=invoice_number(policy.series, now.year, sequence),
        account_id=account.account_id, period_start=start, period_end=end,
        issued_at=now, due_date=due_date(end, policy.due_day, postpaid=account.postpaid),
        currency=account.currency, opening_balance=stated.opening_balance, lines=stated.lines,
        total_charges=stated.total_charges, vat_total=stated.vat_total,
        total_paid=stated.total_paid, closing_balance=stated.closing_balance,
        amount_due=stated.amount_due, payable=to_pay, vat_breakdown=stated.vat_breakdown,
        status=InvoiceStatus.ISSUED if to_pay > 0 else InvoiceStatus.PAID, run_id=run_id)


async def _period_start(uow: UnitOfWork, account: BillingAccount, period_end: date) -> date | None:
    previous = await uow.invoices.latest(account.account_id)
    start = period_start(previous.period_end if previous else None, account.first_connected_on)
    return start if start is not None and start <= period_end else None


def audited(invoice: Invoice) -> dict[str, object]:
    """What the audit keeps of an issued invoice (its lines stay in the invoice)."""
    return {"number": invoice.number, "account_id": invoice.account_id,
            "period": [invoice.period_start, invoice.period_end], "currency": invoice.currency,
            "total_charges": invoice.total_charges, "amount_due": invoice.amount_due,
            "status": invoice.status, "run_id": invoice.run_id}


async def issue_invoice(uow: UnitOfWork, policy: BillingPolicy, account: BillingAccount,
                        period_end: date, run_id: str | None) -> Invoice | None:
    """Within ``uow``, the account's ledger locked: issue its invoice up to ``period_end`` (any
    day: a final invoice ends on its closing day), unless that period is billed already."""
    start = await _period_start(uow, account, period_end)
    if start is None:
        return None
    stated, entry_ids = await _figures(uow, account, start, period_end)
    invoice = await _invoice(uow, policy, account, (start, period_end), run_id, stated)
    await uow.invoices.add(invoice, account)
    await uow.ledger.state(entry_ids, invoice.id)
    await uow.trail.record(uow.actor, "invoice.issued", "invoice", invoice.id,
                           after=audited(invoice))
    return invoice


async def bill_account(uow: UnitOfWork, policy: BillingPolicy, run: BillingRun,
                       account_id: str) -> Invoice | None:
    """Issue the account's invoice for the run's period, unless it has one or nothing to bill."""
    async with uow:
        await uow.ledger.lock(account_id)
        account = await uow.accounts.get(account_id)
        invoice = (await issue_invoice(uow, policy, account, run.period_end, run.id)
                   if account else None)
        if invoice is not None:
            await uow.commit()
        return invoice
