"""Delivery receipts from the SMSC: a sent SMS becomes delivered or undelivered."""

from __future__ import annotations

from notifications.domain.delivery import Delivery, DeliveryStatus
from notifications.service.ports import UnitOfWork

__all__ = ["record_receipt"]


async def record_receipt(uow: UnitOfWork, delivery_id: str, *, delivered: bool,
                         detail: str | None) -> Delivery | None:
    """Apply a receipt to a sent delivery; None when there is no such sent delivery."""
    async with uow:
        delivery = await uow.deliveries.get(delivery_id)
        if delivery is None or delivery.status is not DeliveryStatus.SENT:
            return None
        receipted = delivery.receipted(delivered, detail)
        await uow.deliveries.save(receipted)
        await uow.commit()
    return receipted
