"""Routing per bill delivery choice, the balance crossing, the built-in notice texts, receipts,
and one-time codes with fakes at the ports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from notifications.domain.balance import (
    LOW_BALANCE,
    NEGATIVE_BALANCE,
    KnownBalance,
    balance_notice,
    crossed_below_zero,
)
from notifications.domain.catalogue import NOTIFIED_EVENTS
from notifications.domain.contact import Contact
from notifications.domain.delivery import Channel, DeliveryStatus, RetryPolicy
from notifications.domain.formatting import format_value
from notifications.domain.otp import OneTimeCode
from notifications.domain.routing import route
from notifications.domain.templates import TemplateKey
from notifications.service.otp import CodeSending, send_code
from notifications.service.receipts import record_receipt

from .test_use_cases import NOW, FakeSms, FakeUnitOfWork

ISSUED = "invoicing.invoice.issued"
BLOCKED = "accounts.account.blocked"


def test_the_invoice_sms_goes_only_to_the_number_given_for_bill_notices() -> None:
    with_sms = Contact("a", medium="paper", bill_sms="+37369000001", phone="+37369000002")
    without = Contact("a", medium="ebill", email="c@example.md", phone="+37369000002")
    assert route(with_sms, Channel.SMS, ISSUED).recipient == "+37369000001"
    assert route(without, Channel.SMS, ISSUED).recipient is None
    assert route(without, Channel.EMAIL, ISSUED).recipient == "c@example.md"


def test_notices_go_by_sms_to_the_notice_number_or_phone_else_by_email() -> None:
    ebill = Contact("a", medium="ebill", bill_email="b@example.md", phone="+37369000002")
    chosen = Contact("a", medium="paper", bill_sms="+37369000001", phone="+37369000002")
    no_phone = Contact("a", medium="ebill", bill_email="b@example.md", email="c@example.md")
    assert (route(ebill, Channel.SMS, BLOCKED).recipient,
            route(ebill, Channel.EMAIL, BLOCKED).recipient) == ("+37369000002", None)
    assert route(chosen, Channel.SMS, BLOCKED).recipient == "+37369000001"
    assert (route(no_phone, Channel.SMS, BLOCKED).recipient,
            route(no_phone, Channel.EMAIL, BLOCKED).recipient) == (None, "b@example.md")
    assert route(Contact("a", email="c@example.md"), Channel.EMAIL, BLOCKED).recipient == (
        "c@example.md")


def test_the_balance_notice_is_only_for_the_crossing_below_zero() -> None:
    at = NOW
    positive, negative = KnownBalance("a", Decimal("3"), at), KnownBalance("a", Decimal("-1"), at)
    assert crossed_below_zero(None, Decimal("-0.01"), at)
    assert crossed_below_zero(positive, Decimal("-2"), at + timedelta(seconds=1))
    assert not crossed_below_zero(negative, Decimal("-2"), at + timedelta(seconds=1))
    assert not crossed_below_zero(positive, Decimal("-2"), at - timedelta(seconds=1))
    assert not crossed_below_zero(None, Decimal("0"), at)


def test_a_balance_below_the_threshold_is_low_below_zero_negative_once_per_crossing() -> None:
    later, twenty = NOW + timedelta(seconds=1), Decimal("20")
    high, low = KnownBalance("a", Decimal("25"), NOW), KnownBalance("a", Decimal("10"), NOW)
    assert balance_notice(high, Decimal("19.99"), later, twenty) == LOW_BALANCE
    assert balance_notice(high, Decimal("-1"), later, twenty) == NEGATIVE_BALANCE
    assert balance_notice(low, Decimal("5"), later, twenty) is None
    assert balance_notice(low, Decimal("-5"), later, twenty) == NEGATIVE_BALANCE
    assert balance_notice(high, Decimal("20"), later, twenty) is None
    assert balance_notice(high, Decimal("19"), later, Decimal(0)) is None
    assert balance_notice(high, Decimal("19"), NOW - timedelta(seconds=1), twenty) is None


@pytest.mark.parametrize("language", ["ro", "ru", "en"])
def test_every_event_has_sms_texts_using_only_its_placeholders(language: str) -> None:
    for event in NOTIFIED_EVENTS.values():
        for channel in event.channels:
            event.default(TemplateKey(event.routing_key, channel, language)).check(
                event.placeholders)
        assert "sms" in event.channels


def _code(expires_in: timedelta) -> OneTimeCode:
    return OneTimeCode("+37369000001", "QZ123456", "ru", NOW + expires_in)


def _sending(uow: FakeUnitOfWork, sms: FakeSms) -> CodeSending:
    async def no_wait(_seconds: float) -> None:
        uow.clock.instant += timedelta(seconds=_seconds)

    return CodeSending(sms, RetryPolicy(10, timedelta(seconds=60), timedelta(minutes=5)),
                       uow.clock, no_wait)


async def test_a_code_is_retried_while_valid_and_stored_without_the_code() -> None:
    uow, sms = FakeUnitOfWork(), FakeSms(failures=2)
    delivery = await send_code(lambda: uow, _sending(uow, sms), "q", "m-1",
                               _code(timedelta(minutes=15)))
    assert delivery is not None and delivery.status is DeliveryStatus.SENT
    assert delivery.attempts == 3 and "QZ123456" in sms.sent[0].text
    assert "QZ123456" not in repr(delivery) and "QZ123456" not in repr(_code(timedelta(0)))
    assert await send_code(lambda: uow, _sending(uow, sms), "q", "m-1",
                           _code(timedelta(minutes=15))) is None
    assert len(sms.sent) == 1


async def test_a_code_the_smsc_never_takes_in_time_expires_unsent() -> None:
    uow, sms = FakeUnitOfWork(), FakeSms(failures=100)
    delivery = await send_code(lambda: uow, _sending(uow, sms), "q", "m-2",
                               _code(timedelta(minutes=3)))
    assert delivery is not None and delivery.status is DeliveryStatus.FAILED
    assert delivery.last_error == "the code expired before it could be sent" and sms.sent == []
    assert [e.routing_key for e in uow.emitted] == ["notifications.message.failed"]


async def test_a_receipt_marks_a_sent_sms_delivered_once() -> None:
    uow, sms = FakeUnitOfWork(), FakeSms()
    sent = await send_code(lambda: uow, _sending(uow, sms), "q", "m-3", _code(timedelta(minutes=5)))
    assert sent is not None
    done = await record_receipt(uow, sent.id, delivered=False, detail="UNDELIV")
    assert done is not None and done.status is DeliveryStatus.UNDELIVERED
    assert done.last_error == "UNDELIV"
    assert await record_receipt(uow, sent.id, delivered=True, detail="DELIVRD") is None


def test_times_are_shown_in_the_account_time_zone() -> None:
    contact = Contact("a", timezone="Europe/Chisinau")
    instant = datetime(2026, 6, 4, 7, 30, tzinfo=UTC).isoformat()
    assert format_value(instant, "ro", contact) == "04.06.2026 10:30"
    assert format_value(instant, "en", Contact("a")) == "2026-06-04 07:30 UTC"
