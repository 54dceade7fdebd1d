"""How values read in a message: dates and times in the subscriber's language and time zone."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from notifications.domain.contact import Contact

__all__ = ["NO_NAME", "format_date", "format_value", "message_values"]

_DATE_FORMATS = {"ro": "%d.%m.%Y", "ru": "%d.%m.%Y", "en": "%Y-%m-%d"}
NO_NAME = {"ro": "stimate client", "ru": "уважаемый клиент", "en": "dear customer"}
_NOTHING = "—"


def format_date(value: object, language: str) -> str:
    return date.fromisoformat(str(value)[:10]).strftime(_DATE_FORMATS[language])


def _zone(contact: Contact) -> ZoneInfo | None:
    try:
        return ZoneInfo(contact.timezone) if contact.timezone else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _format_instant(value: datetime, language: str, contact: Contact) -> str:
    local = value.astimezone(_zone(contact) or UTC)
    suffix = "" if _zone(contact) else " UTC"
    return f"{local.strftime(_DATE_FORMATS[language])} {local:%H:%M}{suffix}"


def format_value(value: object, language: str, contact: Contact) -> str:
    """A payload value as text: ISO dates and instants formatted, anything else as it is."""
    if value is None:
        return _NOTHING
    text = str(value)
    if len(text) == 10 and text[4:5] == "-" and text[7:8] == "-":
        try:
            return format_date(text, language)
        except ValueError:
            return text
    if len(text) > 10 and text[10:11] == "T":
        try:
            return _format_instant(datetime.fromisoformat(text), language, contact)
        except ValueError:
            return text
    return text


def message_values(payload: Mapping[str, object], contact: Contact,
                   language: str) -> dict[str, str]:
    """The placeholder values of an event's data, with the customer's name and account."""
    values = {key: format_value(value, language, contact) for key, value in payload.items()
              if not isinstance(value, dict | list)}
    values["customer_name"] = contact.customer_name or NO_NAME[language]
    values["account_id"] = contact.account_id
    return values
