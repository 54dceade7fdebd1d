"""Payment reminders: unpaid invoices due within the policy's days, each reminded of once."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

from invoicing.domain.overdue import DueInvoice
from invoicing.service.ports import UnitOfWork
from invoicing.service.reminders import remind_due

from .fakes import FakeUnitOfWork


class DueSoon:
    """Unpaid invoices by id with their due date; marks like the SQL statement does."""

    def __init__(self, due: dict[str, date]) -> None:
        self.due, self.reminded, self.windows = due, set[str](), list[tuple[date, date]]()

    async def remind_due(self, today: date, last_day: date, limit: int) -> list[DueInvoice]:
        self.windows.append((today, last_day))
        picked = sorted(i for i, on in self.due.items()
                        if today <= on <= last_day and i not in self.reminded)[:limit]
        self.reminded.update(picked)
        return [DueInvoice(i, f"acc-{i}", f"TRF-{i}", self.due[i], Decimal("10.50"), "MDL")
                for i in picked]


def _world(book: DueSoon) -> tuple[FakeUnitOfWork, Any]:
    uow = FakeUnitOfWork()
    uow.invoices = cast(Any, book)
    return uow, lambda: cast(UnitOfWork, uow)


async def test_invoices_due_within_the_days_are_reminded_of_once_in_chunks() -> None:
    today = date(2026, 6, 13)
    book = DueSoon({f"i{n}": today + timedelta(days=n % 5) for n in range(10)})
    uow, new_uow = _world(book)
    assert await remind_due(new_uow, today, 3, chunk=3) == 8  # due in 0 to 3 days, not in 4
    assert await remind_due(new_uow, today, 3, chunk=3) == 0
    assert book.windows[0] == (today, date(2026, 6, 16))
    [first] = [e for e in uow.events if e.invoice_id == "i1"]
    assert (first.number, first.amount_due, first.due_date) == ("TRF-i1", Decimal("10.50"),
                                                                date(2026, 6, 14))
    assert [r.action for r in uow.trail.records].count("invoice.reminded") == 8


async def test_no_reminders_when_the_policy_has_none() -> None:
    book = DueSoon({"i1": date(2026, 6, 14)})
    uow, new_uow = _world(book)
    assert await remind_due(new_uow, date(2026, 6, 13), 0) == 0
    assert (book.windows, uow.events) == ([], [])
