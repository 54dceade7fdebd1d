"""Autopay rules without I/O: the retry schedule, the first attempt, threshold falls, attempts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from payments.domain.autopay_charge import (
    AutopayCharge,
    AutopayPolicy,
    ChargeOutcome,
    ChargeStatus,
    RetryPolicy,
    threshold_crossed,
)

RETRY = RetryPolicy(delays=(1, 3, 7), max_attempts=4)
T0 = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)


def _charge(**extra: object) -> AutopayCharge:
    values: dict[str, object] = {
        "id": "c1", "account_id": "a1", "trigger": "invoice", "amount": Decimal("69.60"),
        "currency": "RON", "status": ChargeStatus.SCHEDULED, "next_attempt_at": T0,
        "created_at": T0} | extra
    return AutopayCharge(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(("attempts", "expected"), [
    (1, T0 + timedelta(days=1)), (2, T0 + timedelta(days=3)), (3, T0 + timedelta(days=7)),
    (4, None)])
def test_retries_follow_the_delays_up_to_the_attempt_limit(
    attempts: int, expected: datetime | None
) -> None:
    assert RETRY.next_attempt(T0, attempts, None) == expected


def test_a_retry_past_the_due_date_comes_on_the_due_date_or_not_at_all() -> None:
    due = date(2026, 6, 5)
    assert RETRY.next_attempt(T0, 3, due) == datetime(2026, 6, 5, tzinfo=UTC)
    assert RETRY.next_attempt(datetime(2026, 6, 5, tzinfo=UTC), 3, due) is None
    assert RETRY.next_attempt(T0, 1, due) == T0 + timedelta(days=1)


def test_fewer_delays_than_attempts_end_the_schedule_early() -> None:
    assert RetryPolicy(delays=(2,), max_attempts=5).next_attempt(T0, 2, None) is None


def test_an_invoice_is_paid_on_issue_or_the_policy_days_before_its_due_date() -> None:
    on_issue = AutopayPolicy(RETRY, None, timedelta(seconds=10))
    early = AutopayPolicy(RETRY, 3, timedelta(seconds=10))
    assert on_issue.first_attempt_at(T0, date(2026, 6, 16)) == T0
    assert early.first_attempt_at(T0, date(2026, 6, 16)) == datetime(2026, 6, 13, tzinfo=UTC)
    assert early.first_attempt_at(T0, date(2026, 6, 2)) == T0
    assert early.first_attempt_at(T0, None) == T0


@pytest.mark.parametrize(("was_below", "balance", "crossed"), [
    (False, "19.99", True), (True, "5.00", False), (False, "20.00", False), (True, "25.00", False)])
def test_the_threshold_is_crossed_once_per_fall(was_below: bool, balance: str,
                                                crossed: bool) -> None:
    assert threshold_crossed(was_below, Decimal(balance), Decimal("20.00")) is crossed


def test_each_attempt_has_its_own_order_and_stays_unknown_until_answered() -> None:
    first = _charge().started(T0 + timedelta(seconds=10))
    second = first.failed("card_declined", T0 + timedelta(days=1)).started(T0)
    assert (first.status, first.order_id, first.attempts) == (ChargeStatus.UNKNOWN, "c1.1", 1)
    assert (second.order_id, second.attempts) == ("c1.2", 2)
    assert second.failed("card_declined", None).status is ChargeStatus.FAILED
    assert second.succeeded("p1").payment_id == "p1"


def test_only_a_charge_waiting_for_its_attempt_is_cancelled() -> None:
    assert _charge().cancelled("invoice_paid") is not None
    assert _charge().started(T0).cancelled("invoice_paid") is None


def test_a_charge_that_needs_the_cardholder_is_not_retried() -> None:
    assert ChargeOutcome("failed", reason="card_declined").retryable
    assert not ChargeOutcome("requires_action", reason="authentication_required").retryable
