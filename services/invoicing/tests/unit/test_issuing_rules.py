"""A chunk's drafts: the same skips as one account's invoice, blocks of numbers, the run's end."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from invoicing.domain.account import BillingAccount
from invoicing.domain.invoice import InvoiceStatus
from invoicing.domain.issuing import AccountBook, Terms, draft, numbered
from invoicing.domain.ledger import EntryKind, LedgerEntry
from invoicing.domain.run import BillingRun, RunProgress, RunStatus, estimated_end

NOW = datetime(2026, 5, 1, 6, tzinfo=UTC)
TERMS = Terms("run-1", date(2026, 4, 30), 16, NOW)
ACCOUNT = BillingAccount("acc", "MDL", "postpaid", first_connected_on=date(2026, 4, 1))


def _charge(gross: str, rate: str = "0.20") -> LedgerEntry:
    net = Decimal(gross) / (1 + Decimal(rate))
    return LedgerEntry(id=f"e{gross}", account_id="acc", kind=EntryKind.CHARGE, type="sms",
                       currency="MDL", occurred_on=date(2026, 4, 10), amount=-Decimal(gross),
                       source_event_id="s", created_at=NOW, msisdn="37360000001",
                       direction="out", quantity=Decimal(1), unit="sms", net=net,
                       vat=Decimal(gross) - net, gross=Decimal(gross), vat_rate=Decimal(rate),
                       vat_included=True)


def _book(**changes: object) -> AccountBook:
    values: dict[str, object] = {"account": ACCOUNT, "previous_end": None,
                                 "stated": Decimal(0), "unstated": (_charge("12.00"),),
                                 "open_before": Decimal(0)}
    return AccountBook(**(values | changes))  # type: ignore[arg-type]


def test_a_draft_states_every_unstated_movement_and_asks_what_older_invoices_do_not() -> None:
    made = draft(_book(open_before=Decimal("5.00"), stated=Decimal("-5.00")), TERMS)
    assert made is not None
    invoice = made.invoice
    assert (invoice.period_start, invoice.opening_balance, invoice.amount_due,
            invoice.payable) == (date(2026, 4, 1), Decimal("5.00"), Decimal("17.00"),
                                 Decimal("12.00"))
    assert (invoice.status, invoice.due_date, made.entry_ids) == (
        InvoiceStatus.ISSUED, date(2026, 5, 16), ("e12.00",))


def test_an_account_invoiced_for_the_period_or_never_connected_gets_no_draft() -> None:
    assert draft(_book(previous_end=date(2026, 4, 30)), TERMS) is None
    never = BillingAccount("acc", "MDL", "postpaid")
    assert draft(_book(account=never), TERMS) is None
    connected_later = BillingAccount("acc", "MDL", "postpaid", first_connected_on=date(2026, 5, 2))
    assert draft(_book(account=connected_later), TERMS) is None


def test_drafts_are_numbered_in_turn_from_the_first_of_their_block() -> None:
    drafts = [d for d in (draft(_book(), TERMS) for _ in range(3)) if d is not None]
    assert [d.invoice.number for d in numbered(drafts, "TRF", 2026, 41)] == [
        "TRF-2026-000041", "TRF-2026-000042", "TRF-2026-000043"]


def _run(status: RunStatus = RunStatus.RUNNING, accounts: int = 100) -> BillingRun:
    return BillingRun("run-1", date(2026, 4, 30), None, status, NOW, accounts=accounts,
                      finished_at=NOW + timedelta(minutes=9) if status != RunStatus.RUNNING
                      else None)


def test_the_estimated_end_follows_the_pace_of_statements_and_documents_so_far() -> None:
    later = NOW + timedelta(seconds=60)
    # 60 s for 100 statements and 20 documents: 80 documents left at the same pace, 40 s more
    assert estimated_end(_run(), RunProgress(issued=100, documents=20), later) == \
        later + timedelta(seconds=40)
    # the 10 accounts that failed are not waited for
    assert estimated_end(_run(), RunProgress(issued=90, documents=0, failed=10), later) == \
        later + timedelta(seconds=60)
    assert estimated_end(_run(), RunProgress(), later) is None
    finished = _run(RunStatus.COMPLETED)
    assert estimated_end(finished, RunProgress(issued=100, documents=100), later) == \
        finished.finished_at
