"""Announcing the ledger balance after every movement."""

from __future__ import annotations

from tarifa.messaging.catalogue import BalanceChanged
from tarifa.money import round_amount

from invoicing.service.ports import UnitOfWork

__all__ = ["announce_balance"]


async def announce_balance(uow: UnitOfWork, account_id: str, currency: str, cause: str) -> None:
    """Emit ``invoicing.balance.changed`` with the balance as this transaction leaves it."""
    balance = round_amount(await uow.ledger.balance(account_id), currency)
    uow.emit(BalanceChanged(account_id=account_id, balance=balance, currency=currency,
                            cause=cause), subject=account_id)
