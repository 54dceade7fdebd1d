"""Delivery receipts from the SMSC: a sent SMS becomes delivered or undelivered, audited
(``message.delivered`` or ``message.undelivered``, by ``notifications.smsc``)."""

from __future__ import annotations

from tarifa.audit import Actor

from notifications.domain.delivery import Delivery, DeliveryStatus
from notifications.service.delivery_audit import audit_status
from notifications.service.ports import UnitOfWork

__all__ = ["SMSC", "record_receipt"]

SMSC = Actor.system("notifications.smsc")
"""The actor of the receipts: the SMSC, through the SMPP session."""


async def record_receipt(uow: UnitOfWork, delivery_id: str, *, delivered: bool,
                         detail: str | None) -> Delivery | None:
    """Apply a receipt to a sent delivery; None when there is no such sent delivery."""
    async with uow:
        delivery = await uow.deliveries.get(delivery_id)
        if delivery is None or delivery.status is not DeliveryStatus.SENT:
            return None
        receipted = delivery.receipted(delivered, detail)
        await uow.deliveries.save(receipted)
        await audit_status(uow, SMSC, delivery, receipted)
        await uow.commit()
    return receipted
