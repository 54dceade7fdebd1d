"""Closing a line or an account (A4, issue 10).

A closed line takes no usage and no fee after ``closed_at``; its number is quarantined for a
policy length before a new line may get it, and the new line shares nothing with the old one
(replicas key a line by its number *and* its connection). Closing an account closes its lines;
a closed account takes no new line and stays closed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from accounts.domain.account import Account, AccountStatus
from accounts.domain.errors import StateConflict
from accounts.domain.line import Line, LineStatus

__all__ = ["ClosingPolicy", "close_account", "close_line"]


@dataclass(frozen=True, slots=True)
class ClosingPolicy:
    number_quarantine: timedelta = timedelta(days=90)
    """How long a closed line's number waits before it may go to a new line."""


def close_line(line: Line, at: datetime, policy: ClosingPolicy) -> Line:
    """The line closed at ``at``; a pending plan change goes with it."""
    if line.status is LineStatus.CLOSED:
        raise StateConflict(f"line {line.msisdn} is closed already", slug="line-closed")
    return replace(line, status=LineStatus.CLOSED, closed_at=at, pending_plan=None,
                   pending_at=None, number_free_from=at + policy.number_quarantine)


def close_account(account: Account) -> Account:
    """The account closed: no suspension, promise or block holds any more."""
    if account.closed:
        raise StateConflict(f"account {account.id} is closed already", slug="account-closed")
    return replace(account, status=AccountStatus.CLOSED, suspension=None, promise=None,
                   blocked_reason=None)
