"""The events invoicing consumes: accounts (opened, updated) and lines, charges and re-rating
differences from rating, payments and refunds, bonus points redeemed for credit.

Rated usage and payments are posted in batches of the deliveries waiting together
(``tarifa.messaging.batches``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from tarifa.messaging.batches import DeliveryBatches
from tarifa.messaging.envelope import CloudEvent, PoisonMessage
from tarifa.runtime import Runtime

from invoicing.domain.ledger import LedgerError
from invoicing.service.bonus import record_bonus_credit
from invoicing.service.charges import record_fee, record_rerating
from invoicing.service.payments import record_payment, record_payments
from invoicing.service.ports import UnitOfWork
from invoicing.service.refunds import record_refund
from invoicing.service.replica import record_account, record_account_update, record_line
from invoicing.service.usage_posting import record_usage, record_usages

__all__ = ["register_consumers"]

UseCase = Callable[[UnitOfWork, str, CloudEvent], Awaitable[None]]
CONSUMERS: dict[str, tuple[str, UseCase]] = {
    "invoicing.account-opened": ("accounts.account.opened", record_account),
    "invoicing.account-updated": ("accounts.account.updated", record_account_update),
    "invoicing.line-activated": ("accounts.line.activated", record_line),
    "invoicing.usage-rated": ("rating.usage.rated", record_usage),
    "invoicing.usage-rerated": ("rating.usage.rerated", record_rerating),
    "invoicing.fee-charged": ("rating.fee.charged", record_fee),
    "invoicing.payment-succeeded": ("payments.payment.succeeded", record_payment),
    "invoicing.refund-succeeded": ("payments.refund.succeeded", record_refund),
    "invoicing.bonus-redeemed": ("accounts.bonus.redeemed", record_bonus_credit),
}


Handle = Callable[[CloudEvent], Awaitable[None]]


def _refusing(run: Handle) -> Handle:
    """``run``, with what the ledger refuses dead-lettered with its reason."""
    async def handle(event: CloudEvent) -> None:
        try:
            await run(event)
        except LedgerError as exc:
            raise PoisonMessage(str(exc)) from exc

    return handle


def _handler(queue: str, use_case: UseCase, new_uow: Callable[[], UnitOfWork]) -> Handle:
    return _refusing(lambda event: use_case(new_uow(), queue, event))


BatchUseCase = Callable[[UnitOfWork, str, Sequence[CloudEvent]], Awaitable[None]]
BATCHED: dict[str, tuple[BatchUseCase, int]] = {
    "invoicing.usage-rated": (record_usages, 16),
    "invoicing.payment-succeeded": (record_payments, 64),
}
"""Consumers whose deliveries waiting together are handled in one transaction, and how many at
most. A batch of payments waits for the usage posting that holds its accounts' locks, so it
takes every payment that arrived meanwhile: 16 a posting were fewer than 200 payments a second
beside a usage backlog."""


def _batched(queue: str, use_case: BatchUseCase, most: int,
             new_uow: Callable[[], UnitOfWork]) -> Handle:
    batches = DeliveryBatches(lambda events: use_case(new_uow(), queue, events), most=most,
                              name=f"{queue}-batches")
    return _refusing(batches.handle)


def register_consumers(runtime: Runtime, new_uow: Callable[[], UnitOfWork]) -> None:
    for queue, (routing_key, use_case) in CONSUMERS.items():
        handler = (_batched(queue, *BATCHED[queue], new_uow) if queue in BATCHED
                   else _handler(queue, use_case, new_uow))
        runtime.subscribe(queue, routing_key, handler)
