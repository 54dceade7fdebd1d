"""Of the balances a batch of events announced, each account keeps its latest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from payments.domain.payment import BalanceAt, latest_balances

AT = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def test_each_account_keeps_the_balance_announced_last_in_time() -> None:
    later = BalanceAt("a", Decimal("-5"), AT + timedelta(seconds=1))
    earlier = BalanceAt("a", Decimal("3"), AT)
    other = BalanceAt("b", Decimal("7"), AT)
    assert sorted(latest_balances([later, other, earlier]), key=lambda b: b.account_id) == [later, other]


def test_of_two_at_the_same_time_the_one_given_last_is_kept() -> None:
    first, second = BalanceAt("a", Decimal("1"), AT), BalanceAt("a", Decimal("2"), AT)
    assert latest_balances([first, second]) == [second]
