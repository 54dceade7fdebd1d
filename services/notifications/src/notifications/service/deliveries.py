"""Reading the deliveries for the back office and for a subscriber's own account."""

from __future__ import annotations

from notifications.domain.delivery import Delivery
from notifications.service.ports import UnitOfWork

__all__ = ["list_deliveries"]


async def list_deliveries(uow: UnitOfWork, *, account_id: str | None, event: str | None,
                          limit: int) -> list[Delivery]:
    """Newest first, optionally for one account and one event."""
    async with uow:
        return await uow.deliveries.find(account_id=account_id, event=event, limit=limit)
