"""The overdue job marks open invoices due before today in chunks, each once, with its audit."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from invoicing.domain.invoice import InvoiceStatus
from invoicing.domain.overdue import LateInvoice
from invoicing.service.overdue import mark_overdue
from invoicing.service.ports import UnitOfWork

from .fakes import FakeUnitOfWork


class DueBook:
    """Invoices by id: (account, due date, status); picks like the SQL statement does."""

    def __init__(self, rows: dict[str, tuple[str, date, InvoiceStatus]]) -> None:
        self.rows = rows
        self.statements = 0

    async def mark_overdue_before(self, day: date, limit: int) -> list[LateInvoice]:
        self.statements += 1
        unpaid = (InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID)
        due = sorted(i for i, (_, on, status) in self.rows.items() if on < day and status in unpaid)
        picked = [LateInvoice(i, self.rows[i][0], self.rows[i][2]) for i in due[:limit]]
        for late in picked:
            self.rows[late.invoice_id] = (late.account_id, self.rows[late.invoice_id][1],
                                          InvoiceStatus.OVERDUE)
        return picked


def _world(book: DueBook) -> tuple[FakeUnitOfWork, Any]:
    uow = FakeUnitOfWork()
    uow.invoices = cast(Any, book)
    return uow, lambda: cast(UnitOfWork, uow)


def _book() -> DueBook:
    rows = {f"inv-{n:02}": (f"acc-{n % 3}", date(2026, 6, 15 + n % 2),
                            InvoiceStatus.PARTIALLY_PAID if n == 4 else InvoiceStatus.ISSUED)
            for n in range(7)}
    rows["inv-paid"] = ("acc-0", date(2026, 6, 1), InvoiceStatus.PAID)
    rows["inv-later"] = ("acc-1", date(2026, 7, 1), InvoiceStatus.ISSUED)
    return DueBook(rows)


async def test_invoices_due_before_today_are_marked_in_chunks_with_events_and_audit() -> None:
    book = _book()
    uow, new_uow = _world(book)
    assert await mark_overdue(new_uow, date(2026, 6, 20), chunk=3) == 7
    assert book.statements == 3 and uow.committed == 3  # 3 + 3 + 1: the short chunk ends it
    assert sorted(e.invoice_id for e in uow.events) == [f"inv-{n:02}" for n in range(7)]
    assert book.rows["inv-paid"][2] is InvoiceStatus.PAID
    assert book.rows["inv-later"][2] is InvoiceStatus.ISSUED
    [partly] = [r for r in uow.trail.records if r.target_id == "inv-04"]
    assert partly.before == {"status": "partially_paid"} and partly.after == {"status": "overdue"}
    assert partly.actor.subject == "invoicing.overdue"


async def test_a_second_pass_the_same_day_marks_and_announces_nothing() -> None:
    book = _book()
    uow, new_uow = _world(book)
    await mark_overdue(new_uow, date(2026, 6, 20), chunk=3)
    events = len(uow.events)
    assert await mark_overdue(new_uow, date(2026, 6, 20), chunk=3) == 0
    assert len(uow.events) == events


async def test_an_invoice_due_today_is_not_overdue_yet() -> None:
    book = _book()
    uow, new_uow = _world(book)
    assert await mark_overdue(new_uow, date(2026, 6, 16)) == 4  # those due on the 15th
    assert all(book.rows[e.invoice_id][1] == date(2026, 6, 15) for e in uow.events)
