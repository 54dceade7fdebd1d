"""The one-time code message: the code travels in memory only, never stored or logged."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from notifications.domain.contact import DEFAULT_LANGUAGE, LANGUAGES
from notifications.domain.templates import MessageTemplate

__all__ = ["DEFAULTS", "EVENT", "PLACEHOLDERS", "OneTimeCode"]

EVENT = "notifications.otp"
PLACEHOLDERS = frozenset({"code", "minutes"})

DEFAULTS: dict[tuple[str, str], MessageTemplate] = {
    ("sms", "ro"): MessageTemplate("Codul dumneavoastră de acces: $code. Este valabil $minutes "
                                   "minute. Nu-l comunicați nimănui."),
    ("sms", "ru"): MessageTemplate("Ваш код доступа: $code. Действует $minutes мин. "
                                   "Никому его не сообщайте."),
    ("sms", "en"): MessageTemplate("Your access code: $code. It is valid for $minutes minutes. "
                                   "Do not share it."),
}


@dataclass(frozen=True, slots=True)
class OneTimeCode:
    """A code to send to ``msisdn``; ``code`` is hidden from ``repr`` so it never lands in a log."""

    msisdn: str
    code: str = field(repr=False)
    language: str
    expires_at: datetime

    @property
    def speaks(self) -> str:
        return self.language if self.language in LANGUAGES else DEFAULT_LANGUAGE

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    def values(self, now: datetime) -> dict[str, str]:
        minutes = max(1, int((self.expires_at - now).total_seconds() // 60))
        return {"code": self.code, "minutes": str(minutes)}
