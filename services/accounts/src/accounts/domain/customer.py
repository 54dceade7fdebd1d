"""Customers: the person or business that holds billing accounts."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any

__all__ = ["CONTACT_FIELDS", "IDENTITY_FIELDS", "Customer", "CustomerKind", "Language"]

CONTACT_FIELDS = frozenset({"email", "phone", "address", "language"})
"""What a subscriber may change about itself."""
IDENTITY_FIELDS = frozenset({"name", "kind"})
"""What only an operator may change: who the contract is with."""


class CustomerKind(StrEnum):
    PERSON = "person"
    BUSINESS = "business"


class Language(StrEnum):
    RO = "ro"
    RU = "ru"
    EN = "en"


@dataclass(frozen=True, slots=True)
class Customer:
    id: str
    kind: CustomerKind
    name: str
    language: Language
    email: str | None = None
    phone: str | None = None
    address: str | None = None

    def changed(self, changes: dict[str, Any]) -> Customer:
        """The customer with ``changes`` (field names of ``CONTACT_FIELDS | IDENTITY_FIELDS``)."""
        unknown = set(changes) - CONTACT_FIELDS - IDENTITY_FIELDS
        if unknown:
            raise ValueError(f"not customer details: {sorted(unknown)}")
        values = dict(changes)
        if "kind" in values:
            values["kind"] = CustomerKind(values["kind"])
        if "language" in values:
            values["language"] = Language(values["language"])
        return replace(self, **values)

    def differences(self, other: Customer) -> dict[str, Any]:
        """The fields ``other`` holds differently, with ``other``'s values."""
        mine, theirs = asdict(self), asdict(other)
        return {name: value for name, value in theirs.items() if mine[name] != value}

    def profile(self) -> dict[str, Any]:
        """What the services that keep replicas of the customer's accounts are told."""
        return {"customer_name": self.name, "customer_kind": str(self.kind),
                "email": self.email, "phone": self.phone, "address": self.address,
                "language": str(self.language)}
