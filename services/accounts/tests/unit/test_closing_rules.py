"""The rules of closing a line and an account, without any I/O."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from accounts.domain.account import (
    Account,
    AccountStatus,
    BillDelivery,
    DeliveryMedium,
    PaymentMode,
    PromisedPayment,
)
from accounts.domain.closing import ClosingPolicy, close_account, close_line
from accounts.domain.errors import StateConflict
from accounts.domain.line import Line, LineStatus

T0 = datetime(2026, 5, 1, tzinfo=UTC)
AT = datetime(2026, 6, 10, 12, tzinfo=UTC)
LINE = Line("l1", "a1", "37369000001", "smart", T0, pending_plan="max", pending_at=AT)
ACCOUNT = Account("a1", "c1", PaymentMode.POSTPAID, "MDL", "Europe/Chisinau",
                  BillDelivery(DeliveryMedium.EBILL, "ana@example.md"), T0)


def test_a_closed_line_keeps_its_number_in_quarantine_and_drops_its_pending_plan() -> None:
    closed = close_line(LINE, AT, ClosingPolicy(timedelta(days=30)))
    assert (closed.status, closed.closed_at, closed.number_free_from) == (
        LineStatus.CLOSED, AT, AT + timedelta(days=30))
    assert (closed.pending_plan, closed.pending_at) == (None, None)


def test_a_line_closes_once() -> None:
    closed = close_line(LINE, AT, ClosingPolicy())
    with pytest.raises(StateConflict) as refused:
        close_line(closed, AT, ClosingPolicy())
    assert refused.value.slug == "line-closed"


def test_a_closed_account_holds_no_block_promise_or_suspension_and_closes_once() -> None:
    blocked = replace(ACCOUNT, status=AccountStatus.BLOCKED, blocked_reason="invoice_overdue",
                      promise=PromisedPayment(T0, AT))
    closed = close_account(blocked)
    assert (closed.status, closed.blocked_reason, closed.promise, closed.suspension) == (
        AccountStatus.CLOSED, None, None, None)
    with pytest.raises(StateConflict) as refused:
        close_account(closed)
    assert refused.value.slug == "account-closed"
