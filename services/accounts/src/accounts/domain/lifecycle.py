"""The account lifecycle (A4–A7): voluntary suspension, blocking for money, promised payments.

Each rule takes the account and returns the account it becomes; the caller compares the two to
announce what changed. ``owes`` says whether the money rule of the account's payment mode is
broken: a negative balance for prepaid, an invoice unpaid past its grace for postpaid.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from accounts.domain.account import Account, AccountStatus, PromisedPayment, Suspension
from accounts.domain.errors import InvalidRequest, StateConflict
from accounts.domain.policy import AccountsPolicy

__all__ = [
    "BALANCE_RESTORED",
    "INVOICE_OVERDUE",
    "INVOICE_PAID",
    "NEGATIVE_BALANCE",
    "PROMISE_EXPIRED",
    "PROMISE_GRANTED",
    "apply_money_rule",
    "expire_promise",
    "grant_promise",
    "resume",
    "suspend",
]

NEGATIVE_BALANCE = "negative_balance"
INVOICE_OVERDUE = "invoice_overdue"
INVOICE_PAID = "invoice_paid"
PROMISE_EXPIRED = "promised_payment_expired"
BALANCE_RESTORED = "balance_restored"
PROMISE_GRANTED = "promised_payment_granted"


def suspend(account: Account, days: int, now: datetime, policy: AccountsPolicy) -> Account:
    """Suspend an active account for 1 to the policy's maximum of days, from now."""
    if not 1 <= days <= policy.suspension_max_days:
        raise InvalidRequest(f"a suspension lasts 1 to {policy.suspension_max_days} days",
                             field="days")
    if account.status is not AccountStatus.ACTIVE:
        raise StateConflict(f"account {account.id} is {account.status}; only an active "
                            "account can be suspended", slug="account-not-active")
    return replace(account, status=AccountStatus.SUSPENDED,
                   suspension=Suspension(now, now + timedelta(days=days)))


def resume(account: Account, at: datetime, owes: bool) -> Account:
    """End a suspension at ``at``; an account that owes money is blocked on resuming."""
    if account.status is not AccountStatus.SUSPENDED:
        raise StateConflict(f"account {account.id} is {account.status}, not suspended",
                            slug="account-not-suspended")
    active = replace(account, status=AccountStatus.ACTIVE, suspension=None)
    return apply_money_rule(active, owes, at, NEGATIVE_BALANCE)


def apply_money_rule(account: Account, owes: bool, at: datetime, reason: str) -> Account:
    """Block an active account that owes (unless a promise holds it), unblock one that no longer does."""
    if account.status is AccountStatus.ACTIVE and owes and not account.promised_at(at):
        return replace(account, status=AccountStatus.BLOCKED, blocked_reason=reason)
    if account.status is AccountStatus.BLOCKED and not owes:
        return replace(account, status=AccountStatus.ACTIVE, blocked_reason=None)
    return account


def _check_promise_allowed(account: Account, negative: bool, now: datetime,
                           policy: AccountsPolicy) -> None:
    if account.status not in (AccountStatus.ACTIVE, AccountStatus.BLOCKED):
        raise StateConflict(f"account {account.id} is {account.status}",
                            slug="account-not-active")
    if not negative:
        raise StateConflict("a promised payment needs a negative balance",
                            slug="balance-not-negative")
    if account.promised_at(now):
        raise StateConflict("a promised payment is already active",
                            slug="promised-payment-active")
    last = account.last_promise_at
    if last is not None and now < last + policy.promised_payment_reuse:
        raise StateConflict(f"a promised payment was used on {last.date()}; the next one is "
                            f"possible from {(last + policy.promised_payment_reuse).date()}",
                            slug="promised-payment-too-soon")


def grant_promise(account: Account, negative: bool, now: datetime,
                  policy: AccountsPolicy) -> Account:
    """Grant a promised payment: it lifts a block for the policy's length."""
    _check_promise_allowed(account, negative, now, policy)
    promise = PromisedPayment(now, now + policy.promised_payment_length)
    status = AccountStatus.ACTIVE if account.status is AccountStatus.BLOCKED else account.status
    return replace(account, status=status, blocked_reason=None, promise=promise,
                   last_promise_at=now)


def expire_promise(account: Account, owes: bool) -> Account:
    """End a promise whose time has come; an account that still owes is blocked again."""
    if account.promise is None:
        return account
    at = account.promise.until
    return apply_money_rule(replace(account, promise=None), owes, at, PROMISE_EXPIRED)
