"""Reading tapped events with the CloudEvents Python SDK, which checks every attribute."""

from __future__ import annotations

from cloudevents.core.formats.json import JSONFormat

from .tap import Tapped

__all__ = ["read_events"]

STRUCTURED = "application/cloudevents+json"


def _read(tapped: Tapped) -> str:
    assert tapped.content_type == STRUCTURED, tapped
    event = JSONFormat().read(None, tapped.body)  # raises on a null or ill-typed attribute
    attributes = event.get_attributes()
    assert all(value is not None for value in attributes.values()), attributes
    correlation = event.get_extension("correlationid")
    assert correlation and correlation == tapped.correlation_id, attributes
    return event.get_type()


def read_events(seen: list[Tapped]) -> dict[str, int]:
    """How many events of each type; fails on the first one the SDK or the checks refuse."""
    counts: dict[str, int] = {}
    for tapped in seen:
        kind = _read(tapped)
        counts[kind] = counts.get(kind, 0) + 1
    return counts
