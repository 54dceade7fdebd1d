"""The e-bill message of an issued invoice: its placeholders and built-in texts (ro, ru, en)."""

from __future__ import annotations

from collections.abc import Mapping

from notifications.domain.contact import Contact
from notifications.domain.formatting import NO_NAME, format_date
from notifications.domain.templates import MessageTemplate

__all__ = ["DEFAULTS", "EVENT", "PLACEHOLDERS", "invoice_values"]

EVENT = "invoicing.invoice.issued"

PLACEHOLDERS = frozenset({
    "customer_name", "account_id", "invoice_id", "number", "period_start", "period_end",
    "total_charges", "amount_due", "currency", "due_date",
})

_NO_DUE_DATE = {"ro": "la primire", "ru": "при получении", "en": "on receipt"}


_date = format_date


def invoice_values(payload: Mapping[str, object], contact: Contact, language: str) -> dict[str, str]:
    """The placeholder values of an ``invoicing.invoice.issued`` event's data."""
    due = payload.get("due_date")
    return {
        "customer_name": contact.customer_name or NO_NAME[language],
        "account_id": str(payload["account_id"]),
        "invoice_id": str(payload["invoice_id"]),
        "number": str(payload["number"]),
        "period_start": _date(payload["period_start"], language),
        "period_end": _date(payload["period_end"], language),
        "total_charges": str(payload["total_charges"]),
        "amount_due": str(payload["amount_due"]),
        "currency": str(payload["currency"]),
        "due_date": _date(due, language) if due else _NO_DUE_DATE[language],
    }


_RO = MessageTemplate(
    subject="Factura nr. $number pentru perioada $period_start – $period_end",
    body="""Bună ziua, $customer_name!

Factura dumneavoastră nr. $number pentru perioada $period_start – $period_end a fost emisă.

Suma de plată: $amount_due $currency
Termen de plată: $due_date

Factura în format PDF, semnată electronic, este atașată acestui mesaj.

Cum puteți plăti:
• online, cu cardul bancar, în contul dumneavoastră de abonat;
• la oficiile noastre sau la terminalele de plată, indicând contul $account_id;
• prin transfer bancar, menționând numărul facturii $number.

Vă mulțumim că sunteți alături de noi!
""")

_RU = MessageTemplate(
    subject="Счёт № $number за период $period_start – $period_end",
    body="""Здравствуйте, $customer_name!

Выставлен ваш счёт № $number за период $period_start – $period_end.

Сумма к оплате: $amount_due $currency
Оплатить до: $due_date

Счёт в формате PDF с электронной подписью приложен к этому письму.

Как оплатить:
• онлайн, банковской картой, в личном кабинете абонента;
• в наших офисах или в платёжных терминалах, указав лицевой счёт $account_id;
• банковским переводом, указав номер счёта $number.

Спасибо, что вы с нами!
""")

_EN = MessageTemplate(
    subject="Invoice $number for $period_start – $period_end",
    body="""Hello, $customer_name!

Your invoice no. $number for the period $period_start – $period_end has been issued.

Amount due: $amount_due $currency
Due date: $due_date

The invoice, a signed PDF, is attached to this message.

How to pay:
• online, by card, in your subscriber account;
• at our offices or at payment terminals, giving the account $account_id;
• by bank transfer, quoting the invoice number $number.

Thank you for being with us!
""")

_SMS = {
    "ro": MessageTemplate("Factura $number: de plată $amount_due $currency până la $due_date. "
                          "Plătiți online în contul de abonat, la oficii sau la terminale "
                          "(contul $account_id)."),
    "ru": MessageTemplate("Счёт $number: к оплате $amount_due $currency до $due_date. "
                          "Оплатить можно онлайн в личном кабинете, в офисах или терминалах "
                          "(лицевой счёт $account_id)."),
    "en": MessageTemplate("Invoice $number: $amount_due $currency due by $due_date. "
                          "Pay online in your account, at our offices or at terminals "
                          "(account $account_id)."),
}

DEFAULTS: dict[tuple[str, str], MessageTemplate] = {
    ("email", "ro"): _RO, ("email", "ru"): _RU, ("email", "en"): _EN,
    **{("sms", language): template for language, template in _SMS.items()},
}
