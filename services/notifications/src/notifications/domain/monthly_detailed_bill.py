"""The monthly detailed bill by email (SPEC I7): the previous month's records, its PDF attached.

It goes by email, to the e-bill address or else the customer's: the subscriber subscribed to an
email, and the PDF does not fit an SMS. The SMS texts exist like every event's, for an operator
whose routing sends a short notice too; by default no SMS is sent for it.
"""

from __future__ import annotations

from collections.abc import Mapping

from notifications.domain.contact import Contact
from notifications.domain.formatting import NO_NAME, format_date
from notifications.domain.templates import MessageTemplate

__all__ = ["DEFAULTS", "EVENT", "PLACEHOLDERS", "monthly_values"]

EVENT = "invoicing.monthly_detailed_bill.ready"

PLACEHOLDERS = frozenset({"customer_name", "account_id", "document_id", "month", "from", "to"})


def monthly_values(payload: Mapping[str, object], contact: Contact,
                   language: str) -> dict[str, str]:
    """The placeholder values of an ``invoicing.monthly_detailed_bill.ready`` event's data."""
    return {
        "customer_name": contact.customer_name or NO_NAME[language],
        "account_id": str(payload["account_id"]),
        "document_id": str(payload["document_id"]),
        "month": str(payload["month"]),
        "from": format_date(payload["from_date"], language),
        "to": format_date(payload["to_date"], language),
    }


_TEXTS = {
    "ro": ("Factura detaliată pentru $month",
           "Bună ziua, $customer_name!\n\nVă trimitem factura detaliată a contului $account_id "
           "pentru perioada $from – $to: fiecare apel, mesaj și sesiune de date efectuate, cu "
           "prețul lor.\n\nFactura detaliată în format PDF, semnată electronic, este atașată "
           "acestui mesaj.\n\nVă mulțumim că sunteți alături de noi!\n"),
    "ru": ("Детализация счёта за $month",
           "Здравствуйте, $customer_name!\n\nНаправляем детализацию лицевого счёта $account_id "
           "за период $from – $to: каждый исходящий звонок, сообщение и интернет-сессия с их "
           "стоимостью.\n\nДетализация в формате PDF с электронной подписью приложена к этому "
           "письму.\n\nСпасибо, что вы с нами!\n"),
    "en": ("Detailed bill for $month",
           "Hello, $customer_name!\n\nHere is the detailed bill of account $account_id for "
           "$from – $to: each outgoing call, message and data session, with its price.\n\n"
           "The detailed bill, a signed PDF, is attached to this message.\n\n"
           "Thank you for being with us!\n"),
}

_SMS = {
    "ro": "Factura detaliată a contului $account_id pentru $month v-a fost trimisă pe e-mail.",
    "ru": "Детализация лицевого счёта $account_id за $month отправлена вам по электронной почте.",
    "en": "The detailed bill of account $account_id for $month was sent to your email.",
}

DEFAULTS = {
    **{("email", language): MessageTemplate(body, subject)
       for language, (subject, body) in _TEXTS.items()},
    **{("sms", language): MessageTemplate(text) for language, text in _SMS.items()},
}
