"""Redeeming bonus points (A9) for an account credit at the policy's rate.

Accounts keeps the points; the credit they buy travels in ``accounts.bonus.redeemed`` for
invoicing to put on the account's ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tarifa.messaging.catalogue import BonusRedeemed

from accounts.domain.audit import AuditEntry
from accounts.domain.bonus import REDEMPTION, BonusMovement, credit_for, redeem
from accounts.domain.policy import AccountsPolicy
from accounts.service.accounts import load_account
from accounts.service.ports import UnitOfWork

__all__ = ["Redeem", "Redemption", "redeem_points"]


@dataclass(frozen=True, slots=True)
class Redeem:
    account_id: str
    points: int
    actor: str


@dataclass(frozen=True, slots=True)
class Redemption:
    points: int
    credit: Decimal
    currency: str
    remaining: int


async def redeem_points(uow: UnitOfWork, command: Redeem, policy: AccountsPolicy) -> Redemption:
    """Take points off the account and announce the credit they are worth."""
    async with uow:
        account = await load_account(uow, command.account_id, lock=True)
        after = redeem(account, command.points)
        credit = credit_for(command.points, policy.bonus_point_value, account.currency)
        now = uow.clock.now()
        await uow.accounts.save(after)
        await uow.bonus.add(BonusMovement(account.id, now, -command.points, REDEMPTION))
        await uow.audit.record(AuditEntry(now, command.actor, "bonus.redeemed", "account",
                                          account.id, {"points": command.points,
                                                       "credit": credit}))
        uow.emit(BonusRedeemed(account_id=account.id, points=command.points, reason=REDEMPTION,
                               credit=credit, currency=account.currency), subject=account.id)
        await uow.commit()
    return Redemption(command.points, credit, account.currency, after.bonus_points)
