"""Template checks and rendering, and the built-in e-bill texts."""

from __future__ import annotations

import pytest
from notifications.domain.catalogue import NOTIFIED_EVENTS, notified_event
from notifications.domain.contact import Contact
from notifications.domain.invoice_issued import EVENT, PLACEHOLDERS, invoice_values
from notifications.domain.templates import MessageTemplate, TemplateError, TemplateKey

PAYLOAD = {"invoice_id": "i-1", "number": "TF-2026/0001", "account_id": "a-1",
           "period_start": "2026-05-01", "period_end": "2026-05-31", "total_charges": "58.00",
           "amount_due": "69.60", "currency": "MDL", "due_date": "2026-06-16"}
CONTACT = Contact("a-1", "ro", "ebill", "ion@example.md", customer_name="Ion Popescu")


@pytest.mark.parametrize("language", ["ro", "ru", "en"])
def test_every_built_in_template_uses_only_known_placeholders(language: str) -> None:
    for channel in ("email", "sms"):
        notified_event(EVENT).default(TemplateKey(EVENT, channel, language)).check(PLACEHOLDERS)


def test_the_romanian_e_bill_carries_the_invoice_data_with_diacritics() -> None:
    template = NOTIFIED_EVENTS[EVENT].default(TemplateKey(EVENT, "email", "ro"))
    message = template.render(invoice_values(PAYLOAD, CONTACT, "ro"))
    assert message.subject == "Factura nr. TF-2026/0001 pentru perioada 01.05.2026 – 31.05.2026"
    assert "Suma de plată: 69.60 MDL" in message.body
    assert "Termen de plată: 16.06.2026" in message.body
    assert "Bună ziua, Ion Popescu!" in message.body


def test_the_russian_e_bill_is_in_cyrillic_and_a_missing_name_is_worded() -> None:
    template = NOTIFIED_EVENTS[EVENT].default(TemplateKey(EVENT, "email", "ru"))
    nameless = Contact("a-1", "ru", "ebill", "x@example.md")
    message = template.render(invoice_values(PAYLOAD | {"due_date": None}, nameless, "ru"))
    assert message.subject is not None and message.subject.startswith("Счёт № TF-2026/0001")
    assert "Здравствуйте, уважаемый клиент!" in message.body
    assert "Оплатить до: при получении" in message.body


def test_unknown_placeholders_and_stray_dollars_are_refused() -> None:
    with pytest.raises(TemplateError, match="iban") as unknown:
        MessageTemplate("pay to $iban", "Invoice $number").check(PLACEHOLDERS)
    assert unknown.value.field == "body"
    with pytest.raises(TemplateError) as stray:
        MessageTemplate("ok", "costs 5$").check(PLACEHOLDERS)
    assert stray.value.field == "subject"
    MessageTemplate("$$5 fee, ${number}").check(PLACEHOLDERS)


def test_a_subject_stays_one_line_whatever_the_values_hold() -> None:
    with pytest.raises(TemplateError):
        MessageTemplate("body", "two\nlines").check(PLACEHOLDERS)
    rendered = MessageTemplate("b", "Hi $customer_name").render({"customer_name": "Ion\r\nBcc: x"})
    assert rendered.subject == "Hi Ion Bcc: x"
