"""The events subscribers hear about, with their placeholders and built-in templates."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from notifications.domain import invoice_issued, monthly_detailed_bill, otp
from notifications.domain.contact import Contact
from notifications.domain.due_notices import DUE_NOTICES
from notifications.domain.ending_notices import (
    AUTOPAY_ENDED,
    ROW_RETURNED,
    autopay_ended_values,
    row_returned_values,
)
from notifications.domain.formatting import message_values
from notifications.domain.notices import NOTICES
from notifications.domain.templates import MessageTemplate, TemplateKey

__all__ = ["NOTIFIED_EVENTS", "NotifiedEvent", "UnknownEvent", "notified_event"]


class UnknownEvent(LookupError):
    """An event the service sends no message for."""


Values = Callable[[Mapping[str, object], Contact, str], dict[str, str]]


@dataclass(frozen=True, slots=True)
class NotifiedEvent:
    routing_key: str
    placeholders: frozenset[str]
    defaults: dict[tuple[str, str], MessageTemplate]
    values: Values = message_values
    """The placeholder values of the event's data for a contact, in a language."""

    def default(self, key: TemplateKey) -> MessageTemplate:
        try:
            return self.defaults[(key.channel, key.language)]
        except KeyError:
            raise UnknownEvent(f"no {key.channel} messages are sent for event "
                               f"{self.routing_key}") from None

    @property
    def channels(self) -> frozenset[str]:
        return frozenset(channel for channel, _language in self.defaults)


NOTIFIED_EVENTS = {
    invoice_issued.EVENT: NotifiedEvent(invoice_issued.EVENT, invoice_issued.PLACEHOLDERS,
                                        invoice_issued.DEFAULTS, invoice_issued.invoice_values),
    otp.EVENT: NotifiedEvent(otp.EVENT, otp.PLACEHOLDERS, otp.DEFAULTS),
    monthly_detailed_bill.EVENT: NotifiedEvent(
        monthly_detailed_bill.EVENT, monthly_detailed_bill.PLACEHOLDERS,
        monthly_detailed_bill.DEFAULTS, monthly_detailed_bill.monthly_values),
    **{notice.event: NotifiedEvent(notice.event, notice.placeholders, notice.defaults)
       for notice in (*NOTICES, *DUE_NOTICES)},
    AUTOPAY_ENDED.event: NotifiedEvent(AUTOPAY_ENDED.event, AUTOPAY_ENDED.placeholders,
                                       AUTOPAY_ENDED.defaults, autopay_ended_values),
    ROW_RETURNED.event: NotifiedEvent(ROW_RETURNED.event, ROW_RETURNED.placeholders,
                                      ROW_RETURNED.defaults, row_returned_values),
}


def notified_event(routing_key: str) -> NotifiedEvent:
    try:
        return NOTIFIED_EVENTS[routing_key]
    except KeyError:
        raise UnknownEvent(f"no messages are sent for event {routing_key}") from None
