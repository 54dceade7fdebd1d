"""The payment data carried by a document's Code 128 barcode and QR code.

One compact ASCII text, the same in both codes, so that a bank teller's scanner or a payment
app reads what the printed document shows::

    TRF1|<account id>|<invoice number>|<amount due in minor units>|<currency>

``TRF1`` names the format and its version; fields are separated by ``|`` and never contain it;
an account id in the canonical UUID form is written as its 32 hexadecimal digits without
hyphens (and read back with them), which keeps the Code 128 symbol within the width of an A4
page; the amount is a whole number of the currency's minor units (bani, cents), never negative
(an advance or a settled account carries ``0``). Example:
``TRF1|7f3a1c2e11114a6b9c3d0123456789ab|MD-2025-000042|12350|MDL`` is 123.50 MDL due on
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
        canonical = str(UUID(account_id)) == account_id
    except ValueError:
        return account_id
    return UUID(account_id).hex if canonical else account_id


def _expand(field: str) -> str:
    if len(field) == 32 and all(c in "0123456789abcdef" for c in field):
        return str(UUID(hex=field))
    return field
