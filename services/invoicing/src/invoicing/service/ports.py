"""What the invoicing use cases need from the outside world."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from tarifa.idempotency import IdempotencyStore
from tarifa.money import Carry
from tarifa.uow import UnitOfWork as BaseUnitOfWork

from invoicing.domain.account import BillingAccount
from invoicing.domain.credit_note import CreditNote
from invoicing.domain.detailed_bill import DetailedBill
from invoicing.domain.detailed_bill_subscription import Subscription
from invoicing.domain.invoice import Allocation, Invoice, InvoiceStatus, OpenInvoice
from invoicing.domain.issuing import AccountBook
from invoicing.domain.ledger import LedgerEntry
from invoicing.domain.movements import MovementQuery
from invoicing.domain.overdue import DueInvoice, LateInvoice
from invoicing.domain.posting import CarryKey
from invoicing.domain.run import BillingRun, RunFailure, RunProgress, RunStatus
from invoicing.domain.schedule import ListedRun
from invoicing.domain.statement import Statement, StatementLine
from invoicing.domain.statistics import LedgerSum
from invoicing.domain.usage_record import UsageRecord
from invoicing.service.document_ports import DocumentFailures
from invoicing.service.usage_ports import UsagePostings

__all__ = ["AccountsReplica", "BillingRuns", "Carries", "Credit", "CreditNotes",
           "DetailedBillSubscriptions", "DetailedBills", "DocumentFailures", "DocumentRenderer",
           "DocumentVerifier", "Documents", "Invoices", "Ledger", "LedgerStatistics",
           "ProgressBoard", "RatedUsage", "RecordsUnavailable", "RunSchedule", "StatementChunks",
           "UnitOfWork", "UsagePostings", "Verdict"]

Credit = tuple[str, Decimal]
"""A payment or credit note entry's id and the part of it not allocated to any invoice yet."""


class RecordsUnavailable(Exception):
    """Rating could not be asked for an account's records; the detailed bill waits."""


class RatedUsage(Protocol):
    """Rating's rated records, read for detailed bills (services share no database)."""

    async def records(self, account_id: str, first: date, last: date,
                      direction: str) -> list[UsageRecord]:
        """Every record of the account's lines in the days, one direction; raises
        ``RecordsUnavailable``."""


class DocumentRenderer(Protocol):
    """Turns statements into documents (signed PDF), in a batch, in the order given."""

    async def render(self, statements: Sequence[Statement]) -> list[bytes]: ...

    async def render_print_batch(self, statements: Sequence[Statement], title: str) -> bytes:
        """One unsigned PDF with every statement in turn, for printing (SPEC I8)."""


class Verdict(Protocol):
    @property
    def valid(self) -> bool: ...
    def as_json(self) -> dict[str, object]: ...


class DocumentVerifier(Protocol):
    async def verify(self, pdf: bytes) -> Verdict:
        """Whether ``pdf`` is an intact, validly signed and timestamped document of ours."""


class Documents(Protocol):
    """Stored documents by owner (an invoice, credit note, detailed bill or run) and kind."""

    async def add(self, owner_id: str, kind: str, content: bytes, now: datetime) -> bool:
        """Keep a document; False if the owner has one of that kind already."""

    async def get(self, owner_id: str, kind: str) -> bytes | None: ...


class AccountsReplica(Protocol):
    async def get(self, account_id: str, *, lock: bool = False) -> BillingAccount | None:
        """The account; ``lock`` holds it against concurrent updates until the work ends."""

    async def upsert(self, account: BillingAccount) -> None: ...
    async def add_line(self, msisdn: str, account_id: str, connected_on: date) -> None: ...
    async def billable(self, period_end: date) -> list[str]:
        """Accounts with a line connected on or before ``period_end``."""


class Ledger(Protocol):
    async def lock(self, account_id: str) -> None:
        """Serialise the money work of one account until the end of the transaction."""

    async def add(self, entries: Sequence[LedgerEntry]) -> None: ...
    async def balance(self, account_id: str) -> Decimal: ...
    async def currency(self, account_id: str) -> str | None: ...
    async def movement_page(self, query: MovementQuery) -> list[LedgerEntry]:
        """Up to ``query.limit`` movements in the query's order after its position."""

    async def unstated(self, account_id: str, until: date) -> list[LedgerEntry]: ...
    async def stated_balance(self, account_id: str) -> Decimal: ...
    async def state(self, entry_ids: Sequence[str], invoice_id: str) -> None: ...
    async def stated_payments(self, invoice_id: str) -> list[LedgerEntry]: ...
    async def unallocated_credits(self, account_id: str) -> list[Credit]:
        """Unstated payments and credits with the part not allocated nor refunded yet."""
    async def with_unallocated_credits(self, account_ids: Sequence[str]) -> set[str]: ...

    async def payment_entry(self, account_id: str, payment_id: str) -> LedgerEntry | None:
        """The movement of a payment of the account, by the payment's id."""

    async def refunded(self, entry_id: str) -> Decimal:
        """How much of a payment movement has been refunded so far."""
    async def usage(self, account_id: str, since: date, until: date,
                    direction: str) -> list[LedgerEntry]:
        """The rated usage items of the interval in one direction."""


class LedgerStatistics(Protocol):
    async def monthly(self, account_id: str, since: date, before: date) -> list[LedgerSum]:
        """The account's movements dated in [since, before), summed per month, kind, type, unit."""


class Carries(Protocol):
    """The posting carries of each account (``invoicing.domain.posting``)."""

    async def load(self, account_id: str, keys: Collection[CarryKey]) -> dict[CarryKey, Carry]:
        ...
    async def save(self, account_id: str, changed: Mapping[CarryKey, Carry]) -> None: ...


class Invoices(Protocol):
    async def invoiced_through(self, account_id: str) -> date | None:
        """The end of the latest period the account was invoiced for."""
    async def next_number(self, series: str, year: int) -> int:
        """The next number of the series and year; the counter row stays locked until commit."""

    async def add(self, invoice: Invoice, account: BillingAccount) -> None: ...
    async def get(self, invoice_id: str) -> Invoice | None: ...
    async def latest(self, account_id: str) -> Invoice | None: ...
    async def list_for(self, account_id: str, limit: int) -> list[Invoice]: ...
    async def open_oldest_first(self, account_id: str) -> list[OpenInvoice]: ...
    async def allocate(self, entry_id: str, allocation: Allocation, status: InvoiceStatus,
                       now: datetime) -> None: ...
    async def set_status(self, invoice_id: str, status: InvoiceStatus) -> None: ...
    async def pending_documents(self, limit: int, excluding: Sequence[str] = ()) -> list[str]: ...
    async def statements(self, invoice_ids: Sequence[str]) -> list[Statement]: ...
    async def store_documents(self, contents: Mapping[str, bytes], now: datetime) -> set[str]:
        """Keep the documents of pending invoices; the invoices whose document was not stored yet."""

    async def document(self, invoice_id: str) -> tuple[str, bytes | None] | None:
        """The invoice's account and its document (None until made); None: no such invoice."""
    async def mark_overdue_before(self, day: date, limit: int) -> list[LateInvoice]:
        """Mark overdue up to ``limit`` open invoices due before ``day`` not held by another
        transaction; what each was before."""

    async def remind_due(self, today: date, last_day: date, limit: int) -> list[DueInvoice]:
        """Mark as reminded up to ``limit`` unpaid invoices due from ``today`` to ``last_day``
        not reminded yet; what each owes."""

    async def of_run(self, run_id: str, delivery_medium: str) -> list[str]:
        """The invoices a run issued to accounts with that delivery medium, by number."""


class StatementChunks(Protocol):
    """Many accounts' statements at once: what a chunk of a billing run reads and writes."""

    async def lock(self, account_ids: Sequence[str]) -> None:
        """``Ledger.lock`` of every account, in one order, until the end of the transaction."""

    async def books(self, account_ids: Sequence[str], until: date) -> list[AccountBook]:
        """What each known account's statement needs, in the order given."""

    async def reserve_numbers(self, series: str, year: int, count: int) -> int:
        """The first of ``count`` numbers in a row; the counter stays locked until commit."""

    async def add_invoices(self, issued: Sequence[tuple[Invoice, BillingAccount]]) -> None: ...
    async def state(self, stated_by: Mapping[str, str]) -> None:
        """Mark each ledger entry (key) as stated by its invoice (value)."""

    async def record_failures(self, run_id: str, failures: Mapping[str, str],
                              now: datetime) -> None: ...
    async def clear_failures(self, run_id: str, account_ids: Sequence[str]) -> None: ...


class CreditNotes(Protocol):
    async def add(self, note: CreditNote, entry_id: str) -> None: ...
    async def get(self, note_id: str) -> CreditNote | None: ...
    async def credited(self, invoice_id: str) -> Decimal:
        """The sum of the invoice's credit notes."""

    async def pending_documents(self, limit: int) -> list[CreditNote]: ...
    async def mark_document_ready(self, note_id: str) -> bool:
        """False if it was marked before."""


class DetailedBills(Protocol):
    async def add(self, bill: DetailedBill) -> None: ...
    async def get(self, bill_id: str) -> DetailedBill | None: ...
    async def pending(self, limit: int) -> list[DetailedBill]: ...
    async def mark_ready(self, bill_id: str, records: int, now: datetime) -> bool:
        """False if it was ready already."""

    async def add_monthly(self, bill: DetailedBill) -> bool:
        """Add a subscription's bill of its month; False when that month has one already."""

    async def store_rows(self, bill_id: str, rows: Sequence[StatementLine]) -> None: ...
    async def rows(self, bill_id: str) -> list[dict[str, Any]] | None:
        """The rows of a ready bill, as its JSON form lists them."""


class DetailedBillSubscriptions(Protocol):
    async def get(self, account_id: str) -> Subscription | None: ...
    async def put(self, subscription: Subscription) -> None: ...
    async def active(self) -> list[Subscription]: ...


class BillingRuns(Protocol):
    async def add(self, run: BillingRun) -> None: ...
    async def get(self, run_id: str) -> BillingRun | None: ...
    async def unfinished(self) -> list[BillingRun]: ...
    async def set_accounts(self, run_id: str, accounts: int) -> None: ...
    async def finish(self, run_id: str, status: RunStatus, now: datetime,
                     error: str | None = None) -> None:
        """Close the run; what it did not issue among its accounts counts as skipped."""

    async def progress(self, run_id: str) -> RunProgress:
        """How many of the run's accounts reached each stage, and how many failed."""

    async def failures(self, run_id: str, limit: int) -> list[RunFailure]:
        """The accounts the run could not bill, with why, by account."""


class RunSchedule(Protocol):
    """The months the billing schedule closed, one row per period."""

    async def closed_by_hand(self, period_end: date) -> bool: ...

    async def claim(self, period_end: date, run_id: str, now: datetime) -> bool:
        """Take the period for the run; False when it was taken already."""

    async def recent(self, limit: int) -> list[ListedRun]:
        """The latest runs, newest first, each with whether the schedule started it."""


class ProgressBoard(Protocol):
    """Where a run's progress is shown while it executes (metrics)."""

    def show(self, run: BillingRun, progress: RunProgress, ends: datetime | None) -> None: ...


class UnitOfWork(BaseUnitOfWork, Protocol):
    @property
    def accounts(self) -> AccountsReplica: ...

    @property
    def ledger(self) -> Ledger: ...

    @property
    def invoices(self) -> Invoices: ...

    @property
    def runs(self) -> BillingRuns: ...

    @property
    def schedule(self) -> RunSchedule: ...

    @property
    def statements(self) -> StatementChunks: ...

    @property
    def documents(self) -> Documents: ...

    @property
    def document_failures(self) -> DocumentFailures: ...

    @property
    def credit_notes(self) -> CreditNotes: ...

    @property
    def detailed_bills(self) -> DetailedBills: ...

    @property
    def subscriptions(self) -> DetailedBillSubscriptions: ...

    @property
    def idempotency(self) -> IdempotencyStore: ...

    @property
    def carries(self) -> Carries: ...

    @property
    def usage_postings(self) -> UsagePostings: ...

    @property
    def statistics(self) -> LedgerStatistics: ...
