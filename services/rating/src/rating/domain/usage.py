"""Usage records (CDRs) as mediation reports them, and the reasons a record is refused.

A record's zone is ``roaming`` when it names a ``roaming_country``, else the zone it gives,
else ``national``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tarifa.sanity import InsaneInput, check_instant, control_character

from rating.domain.plan import DIRECTIONS, USAGE_TYPES

__all__ = ["REASONS", "Malformed", "RecordError", "Rejection", "UsageRecord", "parse_record"]

_MSISDN = re.compile(r"^\+?[1-9][0-9]{6,14}$")
_ZONE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_LARGEST = 10 ** 15
_FIELDS = {"id", "msisdn", "type", "direction", "started_at", "quantity", "other_party", "zone",
           "roaming_country"}


REASONS = ("invalid", "too_late", "unknown_line", "before_connection", "no_plan_version",
           "currency_mismatch", "no_price", "line_closed")
"""The kinds of reasons a record is refused for: ``invalid`` (it cannot be read as a record),
``too_late`` (past the late window), ``unknown_line`` (parked longer than the policy allows),
``before_connection``, ``no_plan_version``, ``currency_mismatch``, ``no_price``,
``line_closed`` (it started once the line was closed)."""


class RecordError(ValueError):
    """Why a usage record cannot be rated: a message and its kind (one of ``REASONS``)."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class Rejection:
    id: str | None
    reason: str
    index: int
    code: str = "invalid"
    """The kind of reason, one of ``REASONS``."""


@dataclass(frozen=True, slots=True)
class Malformed:
    """A record its transport could not read (e.g. a CSV line with a wrong number of fields)."""

    id: str | None
    reason: str
    sent: object = None
    """What the transport read (e.g. the CSV line's fields), kept with the rejection."""


@dataclass(frozen=True, slots=True)
class UsageRecord:
    id: str
    msisdn: str
    type: str
    direction: str
    started_at: datetime
    quantity: int
    other_party: str | None = None
    zone: str | None = None
    roaming_country: str | None = None

    @property
    def rated_zone(self) -> str:
        if self.roaming_country:
            return "roaming"
        return self.zone or "national"


def _text(raw: Mapping[str, Any], name: str, pattern: re.Pattern[str] | None = None,
          *, optional: bool = False, longest: int = 64) -> str | None:
    value = raw.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not 0 < len(value) <= longest:
        raise RecordError(f"{name} must be a text of 1 to {longest} characters")
    if control_character(value):
        raise RecordError(f"{name} holds a control character")
    if pattern is not None and not pattern.match(value):
        raise RecordError(f"{name} {value!r} is not valid")
    return value


def _choice(raw: Mapping[str, Any], name: str, choices: tuple[str, ...]) -> str:
    value = raw.get(name)
    if value not in choices:
        raise RecordError(f"{name} must be one of {list(choices)}")
    return str(value)


def _started_at(raw: Mapping[str, Any]) -> datetime:
    value = raw.get("started_at")
    try:
        instant = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None:
        raise RecordError("started_at must be an RFC 3339 time with an offset")
    try:
        return check_instant(instant)
    except InsaneInput as exc:
        raise RecordError(f"started_at {exc}") from exc


def _quantity(raw: Mapping[str, Any]) -> int:
    value = raw.get("quantity")
    if isinstance(value, bool) or not isinstance(value, int):
        raise RecordError("quantity must be a whole number")
    if value < 0:
        raise RecordError("quantity must not be negative")
    if value > _LARGEST:
        raise RecordError(f"quantity must not exceed {_LARGEST}")
    return value


def parse_record(raw: object) -> UsageRecord:
    """Read one record of a batch; raise ``RecordError`` with the reason it is refused."""
    if isinstance(raw, Malformed):
        raise RecordError(raw.reason)
    if not isinstance(raw, Mapping):
        raise RecordError("a record must be an object")
    unknown = sorted(set(raw) - _FIELDS)
    if unknown:
        raise RecordError(f"unknown fields {unknown}")
    return UsageRecord(
        id=str(_text(raw, "id", longest=100)), msisdn=str(_text(raw, "msisdn", _MSISDN, longest=16)),
        type=_choice(raw, "type", USAGE_TYPES), direction=_choice(raw, "direction", DIRECTIONS),
        started_at=_started_at(raw), quantity=_quantity(raw),
        other_party=_text(raw, "other_party", optional=True),
        zone=_text(raw, "zone", _ZONE, optional=True),
        roaming_country=_text(raw, "roaming_country", _COUNTRY, optional=True),
    )
