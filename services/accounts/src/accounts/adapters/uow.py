"""The accounts unit of work over SQLAlchemy."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from tarifa.uow import SqlUnitOfWork

from accounts.adapters.account_rows import SqlAccounts, SqlBonusLedger
from accounts.adapters.invoice_rows import SqlInvoices
from accounts.adapters.login_rows import SqlLogins
from accounts.adapters.otp_rows import SqlOtpChallenges, SqlOtpRequests
from accounts.adapters.repositories import (
    SqlAuditLog,
    SqlBalances,
    SqlCustomers,
    SqlLines,
    SqlPlans,
)

__all__ = ["AccountsUnitOfWork"]


class AccountsUnitOfWork(SqlUnitOfWork):
    def _open(self, session: AsyncSession) -> None:
        self.customers = SqlCustomers(session)
        self.accounts = SqlAccounts(session)
        self.lines = SqlLines(session)
        self.plans = SqlPlans(session)
        self.balances = SqlBalances(session)
        self.audit = SqlAuditLog(session)
        self.bonus = SqlBonusLedger(session)
        self.invoices = SqlInvoices(session)
        self.otp_challenges = SqlOtpChallenges(session)
        self.otp_requests = SqlOtpRequests(session)
        self.logins = SqlLogins(session)
