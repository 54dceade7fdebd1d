"""Which channel carries which message to whom, following the account's bill delivery choice.

* The issued invoice: the e-bill by email when the account chose e-bills, and an SMS notice
  when it gave a number for SMS notices.
* The monthly detailed bill: by email only (it was subscribed to by email), to the e-bill
  address, else the customer's; no SMS.
* Every other notice is a short alert: by SMS to the number given for SMS notices, else to
  the customer's phone; by email (the e-bill address, else the customer's) only when no
  number is known. One channel per notice, so an e-bill inbox holds bills, not alerts.
"""

from __future__ import annotations

from dataclasses import dataclass

from notifications.domain.contact import Contact
from notifications.domain.delivery import Channel

__all__ = ["INVOICE_ISSUED", "MONTHLY_DETAILED_BILL", "Route", "route"]

INVOICE_ISSUED = "invoicing.invoice.issued"
MONTHLY_DETAILED_BILL = "invoicing.monthly_detailed_bill.ready"


@dataclass(frozen=True, slots=True)
class Route:
    """The recipient on one channel, or why there is none."""

    recipient: str | None
    reason: str = ""


def _invoice_route(contact: Contact, channel: Channel) -> Route:
    if channel is Channel.EMAIL:
        return Route(contact.email_recipient(), f"bill delivery is {contact.medium or 'unknown'}")
    return Route(contact.bill_sms, "no number for SMS bill notices")


def _monthly_route(contact: Contact, channel: Channel) -> Route:
    if channel is Channel.SMS:
        return Route(None, "the monthly detailed bill goes by email")
    return Route(contact.bill_email or contact.email, "no email address known")


def _notice_route(contact: Contact, channel: Channel) -> Route:
    number = contact.bill_sms or contact.phone
    if channel is Channel.SMS:
        return Route(number, "no phone number known")
    email = None if number else contact.email_recipient() or contact.email
    return Route(email, "notices go by SMS")


def route(contact: Contact, channel: Channel, event: str) -> Route:
    """Where the message of ``event`` goes on ``channel`` for this contact."""
    if event == INVOICE_ISSUED:
        return _invoice_route(contact, channel)
    if event == MONTHLY_DETAILED_BILL:
        return _monthly_route(contact, channel)
    return _notice_route(contact, channel)
