"""The unit of work of the webhook use cases: notifications' one with the webhook repositories."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from notifications.adapters.uow import NotificationsUnitOfWork
from notifications.adapters.webhook_repositories import SqlEndpoints, SqlWebhookDeliveries

__all__ = ["WebhooksSqlUnitOfWork"]


class WebhooksSqlUnitOfWork(NotificationsUnitOfWork):
    def _open(self, session: AsyncSession) -> None:
        super()._open(session)
        self.endpoints = SqlEndpoints(session)
        self.webhook_deliveries = SqlWebhookDeliveries(session)
