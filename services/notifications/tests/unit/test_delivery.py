"""The delivery state machine and its backoff."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from notifications.domain.contact import Contact
from notifications.domain.delivery import (
    Channel,
    Delivery,
    DeliveryStateError,
    DeliveryStatus,
    RetryPolicy,
)
from notifications.domain.routing import route

NOW = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)
POLICY = RetryPolicy(max_attempts=4, base=timedelta(seconds=30), ceiling=timedelta(seconds=100))


def _plan(contact: Contact | None) -> Delivery:
    target = route(contact, Channel.EMAIL, "invoicing.invoice.issued") if contact else None
    return Delivery.plan(id="d-1", event="invoicing.invoice.issued", event_id="e-1",
                         account_id="a-1", payload={}, now=NOW,
                         recipient=target.recipient if target else None,
                         unreachable=target.reason if target else None)


def test_an_ebill_account_gets_a_pending_email_due_now() -> None:
    delivery = _plan(Contact("a-1", "ro", "ebill", None, email="c@example.md"))
    assert (delivery.status, delivery.recipient) == (DeliveryStatus.PENDING, "c@example.md")
    assert delivery.next_attempt_at == NOW and delivery.attempts == 0


def test_a_paper_account_is_not_applicable_and_an_unknown_one_waits() -> None:
    paper = _plan(Contact("a-1", "ro", "paper"))
    assert paper.status is DeliveryStatus.NOT_APPLICABLE and paper.next_attempt_at is None
    unknown = _plan(None)
    assert unknown.status is DeliveryStatus.PENDING and unknown.recipient is None


def test_failures_back_off_doubling_up_to_the_ceiling_then_give_up() -> None:
    delivery = _plan(None)
    waits = []
    for _ in range(3):
        delivery = delivery.attempt_failed("down", NOW, POLICY)
        assert delivery.next_attempt_at is not None
        waits.append(delivery.next_attempt_at - NOW)
    assert waits == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=100)]
    last = delivery.attempt_failed("down", NOW, POLICY)
    assert (last.status, last.attempts, last.next_attempt_at) == (DeliveryStatus.FAILED, 4, None)


def test_a_permanent_failure_gives_up_at_once() -> None:
    failed = _plan(None).attempt_failed("550 no such user", NOW, POLICY, permanent=True)
    assert failed.status is DeliveryStatus.FAILED and failed.attempts == 1


def test_only_a_pending_delivery_moves() -> None:
    sent = _plan(None).sent("c@example.md", NOW)
    assert sent.status is DeliveryStatus.SENT and sent.sent_at == NOW and sent.attempts == 1
    for move in (lambda: sent.sent("c@example.md", NOW),
                 lambda: sent.attempt_failed("x", NOW, POLICY), lambda: sent.not_applicable("x")):
        with pytest.raises(DeliveryStateError):
            move()


def test_the_message_id_is_the_same_for_every_attempt() -> None:
    delivery = _plan(None)
    retried = delivery.attempt_failed("down", NOW, POLICY)
    assert delivery.message_id("tarifa.local") == retried.message_id("tarifa.local") == (
        "<e-1.email@tarifa.local>")


def test_a_huge_attempt_count_does_not_overflow_the_backoff() -> None:
    assert POLICY.delay(10_000) == POLICY.ceiling
