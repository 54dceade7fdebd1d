"""The payments unit of work over SQLAlchemy."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from tarifa.idempotency.sql import SqlIdempotencyStore
from tarifa.uow import SqlUnitOfWork

from payments.adapters.autopay import SqlAutopayCharges
from payments.adapters.history import SqlPaymentHistory
from payments.adapters.registries import SqlPaymentMethods, SqlRegistries
from payments.adapters.repositories import SqlAccountsReplica, SqlPayments, SqlRefunds

__all__ = ["PaymentsUnitOfWork"]


class PaymentsUnitOfWork(SqlUnitOfWork):
    def _open(self, session: AsyncSession) -> None:
        self.accounts = SqlAccountsReplica(session)
        self.payments = SqlPayments(session)
        self.refunds = SqlRefunds(session)
        self.registries = SqlRegistries(session)
        self.methods = SqlPaymentMethods(session)
        self.idempotency = SqlIdempotencyStore(session)
        self.history = SqlPaymentHistory(session)
        self.autopay = SqlAutopayCharges(session)
