"""The rows of a detailed bill, one per rated record.

A detailed bill lists every record (SPEC I7, seed 002): when it started (in the account's own
time), the number called or calling, its type, its duration or volume, its zone or roaming
country and its price. The amounts are rating's, unrounded; the bill only adds them up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from invoicing.domain.statement import StatementLine
from invoicing.domain.usage_record import RECORD_UNITS, UsageRecord

__all__ = ["record_line", "record_lines", "row_json"]


def record_line(record: UsageRecord) -> StatementLine:
    """One record as a row of the document; the local start time stands in its description."""
    return StatementLine(
        msisdn=record.msisdn, type=record.type, description=record.other_party or "",
        quantity=Decimal(record.quantity), unit=RECORD_UNITS.get(record.type, ""),
        net=record.net, vat=record.vat, gross=record.gross, usage_date=record.started_at.date(),
        record=record)


def _zone(timezone: str) -> ZoneInfo:
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def record_lines(records: Sequence[UsageRecord], timezone: str) -> tuple[StatementLine, ...]:
    """Line by line, oldest first, each start time in the account's ``timezone``."""
    zone = _zone(timezone)
    ordered = sorted(records, key=lambda r: (r.msisdn, r.started_at, r.id))
    return tuple(record_line(replace(r, started_at=r.started_at.astimezone(zone)))
                 for r in ordered)


def row_json(line: StatementLine) -> dict[str, object]:
    """A row as the JSON form of the detailed bill lists it (amounts as exact strings)."""
    record = line.record
    started = record.started_at.isoformat() if record else None
    return {"msisdn": line.msisdn, "type": line.type, "started_at": started,
            "date": (line.usage_date.isoformat() if line.usage_date else None),
            "direction": record.direction if record else None,
            "other_party": record.other_party if record else None,
            "zone": record.zone if record else None,
            "roaming_country": record.roaming_country if record else None,
            "quantity": str(line.quantity), "unit": line.unit, "description": line.description,
            "net": str(line.net), "vat": str(line.vat), "gross": str(line.gross)}
