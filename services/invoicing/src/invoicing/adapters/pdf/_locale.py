"""Labels and number/date formats of documents in the three languages of accounts (ro, ru, en).

Amounts are the statement's own ``Decimal`` values; formatting only groups digits and places the
decimal separator, it never rounds or recomputes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from tarifa.money import minor_units

__all__ = ["LANGUAGES", "Locale", "locale_for"]

LANGUAGES = ("ro", "ru", "en")

_LABELS: dict[str, dict[str, str]] = {
    "title": {"ro": "Factură", "ru": "Счёт-фактура", "en": "Invoice"},
    "title.credit_note": {"ro": "Notă de creditare", "ru": "Кредит-нота", "en": "Credit note"},
    "title.detailed_bill": {"ro": "Factură detaliată", "ru": "Детализация счёта",
                            "en": "Detailed bill"},
    "total": {"ro": "Total", "ru": "Итого", "en": "Total"},
    "number": {"ro": "Nr.", "ru": "№", "en": "No."},
    "issued": {"ro": "Data emiterii", "ru": "Дата выставления", "en": "Issued on"},
    "period": {"ro": "Perioada", "ru": "Период", "en": "Period"},
    "account": {"ro": "Cont", "ru": "Лицевой счёт", "en": "Account"},
    "customer": {"ro": "Client", "ru": "Клиент", "en": "Customer"},
    "fiscal_code": {"ro": "Cod fiscal", "ru": "Фискальный код", "en": "Fiscal code"},
    "bank_account": {"ro": "Cont bancar", "ru": "Банковский счёт", "en": "Bank account"},
    "opening_balance": {"ro": "Sold inițial", "ru": "Начальное сальдо", "en": "Opening balance"},
    "total_charges": {"ro": "Total servicii", "ru": "Итого начислено", "en": "Total charges"},
    "vat_total": {"ro": "inclusiv TVA", "ru": "в том числе НДС", "en": "of which VAT"},
    "total_paid": {"ro": "Total achitat", "ru": "Итого оплачено", "en": "Total paid"},
    "closing_balance": {"ro": "Sold final", "ru": "Конечное сальдо", "en": "Closing balance"},
    "amount_due": {"ro": "Suma de plată", "ru": "Сумма к оплате", "en": "Amount due"},
    "due_date": {"ro": "Termen de plată", "ru": "Оплатить до", "en": "Due date"},
    "no_due_date": {"ro": "informativ", "ru": "информационный", "en": "informational"},
    "advance": {"ro": "avans", "ru": "аванс", "en": "advance"},
    "debt": {"ro": "datorie", "ru": "долг", "en": "debt"},
    "services": {"ro": "Servicii", "ru": "Услуги", "en": "Services"},
    "service_type": {"ro": "Serviciu", "ru": "Вид услуги", "en": "Service"},
    "line": {"ro": "Linia", "ru": "Номер", "en": "Line"},
    "description": {"ro": "Descriere", "ru": "Описание", "en": "Description"},
    "quantity": {"ro": "Cantitate", "ru": "Количество", "en": "Quantity"},
    "net": {"ro": "Fără TVA", "ru": "Без НДС", "en": "Net"},
    "vat": {"ro": "TVA", "ru": "НДС", "en": "VAT"},
    "late_usage": {"ro": "întârziat:", "ru": "с опозданием:", "en": "late:"},
    "gross": {"ro": "Total", "ru": "Всего", "en": "Total"},
    "payments": {"ro": "Plăți în perioadă", "ru": "Платежи за период", "en": "Payments in the period"},
    "no_payments": {"ro": "Nicio plată", "ru": "Платежей нет", "en": "No payments"},
    "date": {"ro": "Data", "ru": "Дата", "en": "Date"},
    "channel": {"ro": "Canal", "ru": "Канал", "en": "Channel"},
    "reference": {"ro": "Referință", "ru": "Референс", "en": "Reference"},
    "amount": {"ro": "Suma", "ru": "Сумма", "en": "Amount"},
    "summary": {"ro": "Extras de cont", "ru": "Выписка по счёту", "en": "Statement of account"},
    "pay_with_code": {"ro": "Plătiți scanând codul", "ru": "Оплатите по коду",
                      "en": "Pay by scanning the code"},
    "page": {"ro": "Pagina {page} din {pages}", "ru": "Страница {page} из {pages}",
             "en": "Page {page} of {pages}"},
    "signed": {"ro": "Document semnat electronic (PAdES) cu marcă temporală",
               "ru": "Документ подписан электронной подписью (PAdES) с меткой времени",
               "en": "Electronically signed document (PAdES) with a trusted timestamp"},
    "type.voice": {"ro": "Apeluri", "ru": "Звонки", "en": "Calls"},
    "type.sms": {"ro": "SMS", "ru": "SMS", "en": "SMS"},
    "type.mms": {"ro": "MMS", "ru": "MMS", "en": "MMS"},
    "type.data": {"ro": "Date mobile", "ru": "Мобильный интернет", "en": "Mobile data"},
    "type.fee": {"ro": "Abonament", "ru": "Абонентская плата", "en": "Subscription fee"},
    "type.one_off": {"ro": "Taxă unică", "ru": "Разовый платёж", "en": "One-off fee"},
    "type.credit_note": {"ro": "Creditare", "ru": "Кредитование", "en": "Credit"},
    "type.detailed_bill": {"ro": "Factură detaliată", "ru": "Детализация счёта",
                           "en": "Detailed bill"},
    "zone.national": {"ro": "național", "ru": "по стране", "en": "national"},
    "zone.onnet": {"ro": "în rețea", "ru": "внутри сети", "en": "on-net"},
    "zone.international": {"ro": "internațional", "ru": "международный", "en": "international"},
    "zone.roaming": {"ro": "roaming", "ru": "роуминг", "en": "roaming"},
    "roaming_in": {"ro": "roaming", "ru": "роуминг", "en": "roaming"},
    "date_time": {"ro": "Data și ora", "ru": "Дата и время", "en": "Date and time"},
    "party": {"ro": "Apelat/apelant", "ru": "Номер абонента", "en": "Called/calling"},
    "zone": {"ro": "Zonă / țară", "ru": "Зона / страна", "en": "Zone / country"},
    "price": {"ro": "Preț", "ru": "Стоимость", "en": "Price"},
    "unit.second": {"ro": "sec", "ru": "сек", "en": "s"},
    "unit.minute": {"ro": "min", "ru": "мин", "en": "min"},
    "unit.message": {"ro": "mesaje", "ru": "сообщ.", "en": "messages"},
    "unit.byte": {"ro": "octeți", "ru": "байт", "en": "bytes"},
}

# Grouping and decimal separators, and the date pattern, per language.
_NUMBERS = {"ro": (".", ","), "ru": (" ", ","), "en": (",", ".")}
_DATES = {"ro": "%d.%m.%Y", "ru": "%d.%m.%Y", "en": "%Y-%m-%d"}


@dataclass(frozen=True, slots=True)
class Locale:
    """How one language names and writes the parts of a document."""

    language: str

    def __call__(self, key: str, **values: object) -> str:
        text = _LABELS[key][self.language]
        return text.format(**values) if values else text

    def title(self, kind: str) -> str:
        """The title of a document of ``kind`` (``invoice``, ``credit_note``, ``detailed_bill``)."""
        key = f"title.{kind}"
        return self(key) if key in _LABELS else self("title")

    def service_type(self, kind: str) -> str:
        key = f"type.{kind}"
        return self(key) if key in _LABELS else kind

    def zone(self, zone: str) -> str:
        """A rating zone by name in this language; a zone the operator added stays as named."""
        key = f"zone.{zone}"
        return self(key) if key in _LABELS else zone

    def unit(self, unit: str) -> str:
        """The unit of a quantity in this language; symbols such as ``MiB`` stay as they are."""
        key = f"unit.{unit}"
        return self(key) if key in _LABELS else unit

    def amount(self, value: Decimal, currency: str) -> str:
        """``value`` with the currency's decimals, grouped: ``1.234,50`` (ro), ``1,234.50`` (en)."""
        return self.number(value, minor_units(currency))

    def quantity(self, value: Decimal) -> str:
        """A quantity without trailing zeros: ``1.5`` stays ``1,5`` in ro, ``100.000`` is ``100``."""
        return self._grouped(f"{value.normalize():,f}")

    def number(self, value: Decimal, decimals: int) -> str:
        return self._grouped(f"{value:,.{decimals}f}")

    def _grouped(self, text: str) -> str:
        group, point = _NUMBERS[self.language]
        return text.replace(",", "\0").replace(".", point).replace("\0", group)

    def money(self, value: Decimal, currency: str) -> str:
        return f"{self.amount(value, currency)} {currency}"

    def date(self, value: date | datetime) -> str:
        return value.strftime(_DATES[self.language])


def locale_for(language: str) -> Locale:
    """The locale of ``language``; an unknown language falls back to Romanian, the operator's own."""
    return Locale(language if language in LANGUAGES else "ro")
