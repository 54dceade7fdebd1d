"""What a closed account may still be paid: only what it owes.

Once accounts closes an account, its final invoice is all it can still be charged; a payment
into it is refused unless it settles that debt. Payments knows the debt as the last ledger
balance invoicing announced (``invoicing.balance.changed``): a negative balance is owed.
The replica adds to it the payments that succeeded since that balance was announced, so the
debt is not paid twice before invoicing announces the balance they leave."""

from __future__ import annotations

from decimal import Decimal

from payments.domain.payment import AccountRef, PaymentError

__all__ = ["CLOSED", "AccountClosed", "check_payable", "owed"]

CLOSED = "closed"


class AccountClosed(PaymentError):
    """A payment into a closed account beyond what the account still owes."""


def owed(account: AccountRef) -> Decimal:
    """What the account owes as its last known balance tells; nothing when none is known."""
    if account.balance is None or account.balance >= 0:
        return Decimal(0)
    return -account.balance


def check_payable(account: AccountRef, amount: Decimal, *, topup: bool = False) -> None:
    """Refuse ``amount`` into a closed account unless it is at most what the account owes; a
    top-up (credit for usage to come) never, as a closed account has no usage to come."""
    if account.status != CLOSED or (amount <= owed(account) and not topup):
        return
    raise AccountClosed(f"account {account.account_id} is closed; it may be paid only what "
                        f"it owes, {owed(account)} {account.currency}")
