"""The monthly detailed bill's email: its route (email only) and its texts' values."""

from __future__ import annotations

from notifications.domain.catalogue import notified_event
from notifications.domain.contact import Contact
from notifications.domain.delivery import Channel
from notifications.domain.monthly_detailed_bill import EVENT, monthly_values
from notifications.domain.routing import route
from notifications.domain.templates import TemplateKey

PAYLOAD = {"account_id": "a-1", "document_id": "d-1", "month": "2026-11",
           "from_date": "2026-11-01", "to_date": "2026-11-30"}


def test_it_goes_by_email_to_the_ebill_address_else_the_customers_and_never_by_sms() -> None:
    both = Contact("a-1", bill_email="bills@example.md", email="me@example.md",
                   phone="+37369000001", medium="paper")
    assert route(both, Channel.EMAIL, EVENT).recipient == "bills@example.md"
    assert route(Contact("a-1", email="me@example.md"), Channel.EMAIL, EVENT).recipient == (
        "me@example.md")
    assert route(both, Channel.SMS, EVENT).recipient is None
    assert route(Contact("a-1", phone="+37369000001"), Channel.EMAIL, EVENT).recipient is None


def test_its_email_names_the_month_and_dates_in_each_language() -> None:
    event = notified_event(EVENT)
    contact = Contact("a-1", customer_name="Ion Popescu")
    for language, dates in (("ro", "01.11.2026 – 30.11.2026"), ("ru", "01.11.2026 – 30.11.2026"),
                            ("en", "2026-11-01 – 2026-11-30")):
        template = event.default(TemplateKey(EVENT, "email", language))
        rendered = template.render(monthly_values(PAYLOAD, contact, language))
        assert dates in rendered.body and "Ion Popescu" in rendered.body, language
        assert rendered.subject is not None and "2026-11" in rendered.subject
