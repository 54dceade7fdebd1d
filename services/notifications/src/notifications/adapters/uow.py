"""The notifications unit of work over SQLAlchemy."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from tarifa.uow import SqlUnitOfWork

from notifications.adapters.repositories import (
    SqlBalances,
    SqlContacts,
    SqlDeliveries,
    SqlTemplates,
)

__all__ = ["NotificationsUnitOfWork"]


class NotificationsUnitOfWork(SqlUnitOfWork):
    def _open(self, session: AsyncSession) -> None:
        self.contacts = SqlContacts(session)
        self.deliveries = SqlDeliveries(session)
        self.templates = SqlTemplates(session)
        self.balances = SqlBalances(session)
