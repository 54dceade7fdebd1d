"""The invoicing unit of work over SQLAlchemy."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from tarifa.idempotency.sql import SqlIdempotencyStore
from tarifa.uow import SqlUnitOfWork

from invoicing.adapters.carries import SqlCarries
from invoicing.adapters.corrections import SqlCreditNotes, SqlDetailedBills
from invoicing.adapters.detailed_bill_subscriptions import SqlDetailedBillSubscriptions
from invoicing.adapters.document_failures import SqlDocumentFailures
from invoicing.adapters.documents import SqlDocuments
from invoicing.adapters.invoices import SqlInvoices
from invoicing.adapters.repositories import SqlAccountsReplica, SqlBillingRuns, SqlLedger
from invoicing.adapters.run_schedule import SqlRunSchedule
from invoicing.adapters.statements import SqlStatements
from invoicing.adapters.statistics import SqlLedgerStatistics
from invoicing.adapters.usage_postings import SqlUsagePostings

__all__ = ["InvoicingUnitOfWork"]


class InvoicingUnitOfWork(SqlUnitOfWork):
    def _open(self, session: AsyncSession) -> None:
        self.accounts = SqlAccountsReplica(session)
        self.ledger = SqlLedger(session)
        self.invoices = SqlInvoices(session)
        self.runs = SqlBillingRuns(session)
        self.schedule = SqlRunSchedule(session)
        self.statements = SqlStatements(session)
        self.documents = SqlDocuments(session)
        self.document_failures = SqlDocumentFailures(session)
        self.credit_notes = SqlCreditNotes(session)
        self.detailed_bills = SqlDetailedBills(session)
        self.subscriptions = SqlDetailedBillSubscriptions(session)
        self.idempotency = SqlIdempotencyStore(session)
        self.carries = SqlCarries(session)
        self.usage_postings = SqlUsagePostings(session)
        self.statistics = SqlLedgerStatistics(session)
