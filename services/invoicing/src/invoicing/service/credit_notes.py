"""Credit notes: numbered in their own gapless series, a ledger credit allocated like a payment,
a signed document made afterwards (SPEC I3, I9)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from tarifa.money import InvalidAmount, parse_amount

from invoicing.domain.account import local_date
from invoicing.domain.billing import invoice_number
from invoicing.domain.credit_note import (
    CREDIT_NOTE,
    CreditError,
    CreditNote,
    check_credit,
    credit_statement,
    credit_vat,
    fully_credited,
)
from invoicing.domain.invoice import Invoice, InvoiceStatus
from invoicing.domain.ledger import EntryKind, LedgerEntry
from invoicing.service.allocation import settle
from invoicing.service.balance import announce_balance
from invoicing.service.ports import DocumentRenderer, UnitOfWork

__all__ = ["CreditInvoice", "InvoiceNotFound", "credit_invoice", "issue_credit_note_documents"]


class InvoiceNotFound(Exception):
    """No invoice with that id."""


@dataclass(frozen=True, slots=True)
class CreditInvoice:
    invoice_id: str
    amount: str
    reason: str
    series: str = "TRC"


def _amount(text: str, currency: str) -> Decimal:
    try:
        return parse_amount(text, currency)
    except InvalidAmount as exc:
        raise CreditError(str(exc)) from exc


async def _note(uow: UnitOfWork, command: CreditInvoice, invoice: Invoice) -> CreditNote:
    amount = _amount(command.amount, invoice.currency)
    check_credit(amount, invoice.total_charges, await uow.credit_notes.credited(invoice.id))
    now = uow.clock.now()
    sequence = await uow.invoices.next_number(command.series, now.year)
    return CreditNote(
        id=str(uuid.uuid4()), number=invoice_number(command.series, now.year, sequence),
        invoice_id=invoice.id, account_id=invoice.account_id, amount=amount,
        vat=credit_vat(amount, invoice.total_charges, invoice.vat_total, invoice.currency),
        currency=invoice.currency, reason=command.reason, issued_at=now)


async def _entry(uow: UnitOfWork, note: CreditNote) -> LedgerEntry:
    account = await uow.accounts.get(note.account_id)
    return LedgerEntry(
        id=str(uuid.uuid4()), account_id=note.account_id, kind=EntryKind.CREDIT,
        type=CREDIT_NOTE, currency=note.currency, occurred_on=local_date(account, note.issued_at),
        amount=note.amount, source_event_id=note.id, created_at=note.issued_at,
        description=note.reason[:200], channel=CREDIT_NOTE, reference=note.number,
        net=note.amount - note.vat, vat=note.vat, gross=note.amount)


async def credit_invoice(uow: UnitOfWork, command: CreditInvoice) -> CreditNote:
    """Issue a credit note within ``uow`` (the caller commits): credit, allocate, audit for
    ``uow.actor`` (the invoice's status before and after, the note), announce."""
    invoice = await uow.invoices.get(command.invoice_id)
    if invoice is None:
        raise InvoiceNotFound(f"invoice {command.invoice_id} not found")
    await uow.ledger.lock(invoice.account_id)
    note = await _note(uow, command, invoice)
    entry = await _entry(uow, note)
    await uow.ledger.add([entry])
    await uow.credit_notes.add(note, entry.id)
    await settle(uow, note.account_id, entry.id, note.amount, preferred=invoice.id)
    status = invoice.status
    if fully_credited(invoice.total_charges, await uow.credit_notes.credited(invoice.id)):
        status = InvoiceStatus.CREDITED
        await uow.invoices.set_status(invoice.id, status)
    await uow.trail.record(uow.actor, "credit_note.issued", "invoice", invoice.id,
                           before={"status": invoice.status},
                           after={"status": status, "credit_note": note})
    await announce_balance(uow, note.account_id, note.currency, CREDIT_NOTE)
    return note


async def _render_pending(new_uow: Callable[[], UnitOfWork], renderer: DocumentRenderer,
                          batch: int) -> int:
    async with new_uow() as uow:
        notes = await uow.credit_notes.pending_documents(batch)
        invoices = {s.invoice_id: s for s in await uow.invoices.statements(
            [note.invoice_id for note in notes])}
    pairs = [(note, credit_statement(note, invoices[note.invoice_id]))
             for note in notes if note.invoice_id in invoices]
    contents = await renderer.render([statement for _, statement in pairs]) if pairs else []
    for (note, _), content in zip(pairs, contents, strict=True):
        async with new_uow() as uow:
            if await uow.credit_notes.mark_document_ready(note.id):
                await uow.documents.add(note.id, CREDIT_NOTE, content, uow.clock.now())
                await uow.commit()
    return len(pairs)


async def issue_credit_note_documents(new_uow: Callable[[], UnitOfWork],
                                      renderer: DocumentRenderer, batch: int = 100) -> int:
    """Render and store the signed document of every credit note still waiting for one."""
    made = 0
    while rendered := await _render_pending(new_uow, renderer, batch):
        made += rendered
    return made
