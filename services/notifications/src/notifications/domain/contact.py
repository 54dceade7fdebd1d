"""Who hears from us and how: the notifications replica of an account's contact details."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "Contact"]

LANGUAGES = ("ro", "ru", "en")
DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True, slots=True)
class Contact:
    """An account's language and bill delivery preference, as accounts last announced them.

    ``bill_sms`` is the number the subscriber gave for SMS notices of bills; ``phone`` and
    ``email`` are the customer's own details, used when no bill delivery channel was chosen.
    """

    account_id: str
    language: str | None = None
    medium: str | None = None
    bill_email: str | None = None
    email: str | None = None
    customer_name: str | None = None
    bill_sms: str | None = None
    phone: str | None = None
    timezone: str | None = None

    @property
    def wants_ebill(self) -> bool:
        return self.medium == "ebill"

    def email_recipient(self) -> str | None:
        """Where e-bills go: the bill delivery address, else the customer's email; paper: none."""
        if not self.wants_ebill:
            return None
        return self.bill_email or self.email

    @property
    def chose_electronic(self) -> bool:
        """True when the subscriber asked for e-bills or SMS notices."""
        return self.wants_ebill or self.bill_sms is not None

    @property
    def speaks(self) -> str:
        return self.language if self.language in LANGUAGES else DEFAULT_LANGUAGE
