"""Gateway notifications (webhooks): verified by the entry point, applied here once per id."""

from __future__ import annotations

from tarifa.audit import Actor

from payments.domain.gateway import GatewayNotification, OutcomeKind
from payments.service.card import apply_payment_outcome
from payments.service.methods import apply_registration_outcome
from payments.service.ports import UnitOfWork

__all__ = ["receive_notification"]


async def receive_notification(uow: UnitOfWork, gateway: str,
                               notification: GatewayNotification) -> bool:
    """Apply a verified notification; False when the same notification came before."""
    async with uow.acting(Actor.system(f"webhook.{gateway}")):
        if not await uow.first_time(f"webhook.{gateway}", notification.event_id):
            return False
        if notification.outcome.kind is OutcomeKind.PAYMENT:
            await apply_payment_outcome(uow, notification.outcome)
        else:
            await apply_registration_outcome(uow, notification.outcome)
        await uow.commit()
    return True
