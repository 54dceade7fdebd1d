"""Customers: the person or business that holds billing accounts."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Customer", "CustomerKind", "Language"]


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
