"""Ending an autopay mandate (P6): dropped, audited and announced as ``payments.autopay.ended``,
so that the subscriber (told by notifications) and integrators hear that no card pays for the
account any more, whether the subscriber switched it off or the system ended it. The charges
still waiting for an attempt are cancelled with it (an attempt under way is settled from the
gateway as usual): none is tried on a card the mandate no longer names, nor told as failed."""

from __future__ import annotations

from tarifa.messaging.catalogue import AutopayEnded

from payments.domain.autopay import AutopayMandate
from payments.service.ports import UnitOfWork

__all__ = ["cancel_autopay", "end_mandate"]


async def end_mandate(uow: UnitOfWork, mandate: AutopayMandate, reason: str, detail: str,
                      payment_mode: str | None = None) -> None:
    """Drop ``mandate`` and announce why (``reason``, one of ``AUTOPAY_END_REASONS``);
    ``detail`` says it in words in the audit trail."""
    await uow.methods.drop_mandate(mandate.account_id)
    await uow.trail.record(uow.actor, "autopay.ended", "account", mandate.account_id,
                           before=mandate, after={"reason": detail, "code": reason})
    await _cancel_waiting(uow, mandate.account_id)
    uow.emit(AutopayEnded(account_id=mandate.account_id, mode=mandate.mode, reason=reason,
                          ended_at=uow.clock.now(), payment_method_id=mandate.payment_method_id,
                          payment_mode=payment_mode), subject=mandate.account_id)


async def _cancel_waiting(uow: UnitOfWork, account_id: str) -> None:
    for charge in await uow.autopay.scheduled_for(account_id):
        cancelled = charge.cancelled("autopay_ended")
        if cancelled is not None:
            await uow.autopay.save(cancelled)
            await uow.trail.record(uow.actor, "autopay.cancelled", "autopay_charge", charge.id,
                                   before={"status": charge.status},
                                   after={"status": cancelled.status, "reason": cancelled.reason})


async def cancel_autopay(uow: UnitOfWork, account_id: str) -> bool:
    """Switch the account's autopay off at its holder's request; False when it had none."""
    async with uow:
        mandate = await uow.methods.mandate(account_id)
        if mandate is not None:
            await end_mandate(uow, mandate, "cancelled", "switched off")
        await uow.commit()
    return mandate is not None
