"""Moving an account between prepaid and postpaid (A5): each of its lines onto a plan of the
new mode, and a prepaid account only with a balance that covers one monthly fee of each."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal

from accounts.domain.account import Account, PaymentMode
from accounts.domain.errors import InvalidRequest, StateConflict
from accounts.domain.line import Line, Plan

__all__ = ["check_mode_change", "moved"]


def _check_lines(lines: Sequence[Line], plans: Mapping[str, Plan], target: PaymentMode) -> None:
    """Every active line is given a plan, and only those lines."""
    missing = sorted({line.msisdn for line in lines} - plans.keys())
    if missing:
        raise InvalidRequest(f"line {missing[0]} needs a {target} plan", field="plans")
    foreign = sorted(plans.keys() - {line.msisdn for line in lines})
    if foreign:
        raise InvalidRequest(f"{foreign[0]} is not an active line of the account", field="plans")


def _check_affordable(account: Account, plans: Mapping[str, Plan], balance: Decimal) -> None:
    fees = sum((plan.monthly_fee for plan in plans.values()), Decimal(0))
    if account.payment_mode is PaymentMode.PREPAID and balance < fees:
        raise InvalidRequest(f"a prepaid account needs a balance of at least one monthly fee "
                             f"of each line ({fees} {account.currency}); the balance is "
                             f"{balance}", field="payment_mode")


def moved(account: Account, target: PaymentMode) -> Account:
    """The open account in ``target`` mode; refused when it is in that mode already."""
    if account.closed:
        raise StateConflict(f"account {account.id} is closed", slug="account-closed")
    if account.payment_mode is target:
        raise StateConflict(f"account {account.id} is {target} already", slug="same-payment-mode")
    return replace(account, payment_mode=target)


def check_mode_change(after: Account, lines: Sequence[Line], plans: Mapping[str, Plan],
                      balance: Decimal) -> None:
    """Whether ``after`` (the account in its new mode) may hold its active ``lines`` on
    ``plans`` (by number) with ``balance``."""
    _check_lines(lines, plans, after.payment_mode)
    for plan in plans.values():
        plan.check_fits(after)
    _check_affordable(after, plans, balance)
