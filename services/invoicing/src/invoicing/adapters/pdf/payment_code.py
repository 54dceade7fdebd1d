"""The payment data carried by a document's Code 128 barcode and QR code.

One compact ASCII text, the same in both codes, so that a bank teller's scanner or a payment
app reads what the printed document shows::

    TRF1|<account id>|<invoice number>|<amount due in minor units>|<currency>

``TRF1`` names the format and its version; fields are separated by ``|`` and never contain it;
an account id in the canonical UUID form is written as its 128-bit number in 39 decimal digits
(and read back as the UUID): Code 128 packs digits two to a symbol, which keeps the barcode's
bars wide enough for a reader at the width of an A4 page. Any other account id is written as it
is, unless it is itself 39 digits (it would read back as a UUID, so it is refused). The amount
is a whole number of the currency's minor units (bani, cents), never negative (an advance or a
settled account carries ``0``). Example:
``TRF1|169113680239725862110245484268211374507|MD-2025-000042|12350|MDL`` is 123.50 MDL due on
invoice MD-2025-000042 of account 7f3a1c2e-1111-4a6b-9c3d-0123456789ab.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from tarifa.money import minor_units

from invoicing.domain.statement import Statement

__all__ = ["PREFIX", "InvalidPaymentCode", "PaymentCode"]

PREFIX = "TRF1"
_SEPARATOR = "|"
_UUID_DIGITS = 39  # len(str(2**128 - 1))


class InvalidPaymentCode(ValueError):
    """A text that is not a payment code of this format."""


@dataclass(frozen=True, slots=True)
class PaymentCode:
    account_id: str
    invoice_number: str
    amount_minor: int
    currency: str

    @classmethod
    def of(cls, statement: Statement) -> PaymentCode:
        due = max(statement.amount_due, Decimal(0))
        minor = int(due.scaleb(minor_units(statement.currency)))
        return cls(statement.account_id, statement.number, minor, statement.currency)

    def encode(self) -> str:
        fields = (PREFIX, _compact(self.account_id), self.invoice_number, str(self.amount_minor),
                  self.currency)
        if _is_uuid_number(self.account_id):
            raise InvalidPaymentCode(f"account id {self.account_id!r} would read back as a UUID")
        if any(_SEPARATOR in field or not field.isascii() for field in fields):
            raise InvalidPaymentCode(f"a field of {fields!r} is not ASCII or holds {_SEPARATOR!r}")
        return _SEPARATOR.join(fields)

    @classmethod
    def decode(cls, text: str) -> PaymentCode:
        parts = text.strip().split(_SEPARATOR)
        if len(parts) != 5 or parts[0] != PREFIX or not parts[3].isdigit():
            raise InvalidPaymentCode(f"{text!r} is not a {PREFIX} payment code")
        return cls(_expand(parts[1]), parts[2], int(parts[3]), parts[4])


def _compact(account_id: str) -> str:
    try:
        parsed = UUID(account_id)
    except ValueError:
        return account_id
    return f"{parsed.int:0{_UUID_DIGITS}d}" if str(parsed) == account_id else account_id


def _is_uuid_number(field: str) -> bool:
    return len(field) == _UUID_DIGITS and field.isascii() and field.isdigit()


def _expand(field: str) -> str:
    return str(UUID(int=int(field))) if _is_uuid_number(field) and int(field) < 2**128 else field
