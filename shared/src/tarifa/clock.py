"""The injectable clock: every use case takes "now" from here, never from ``datetime.now``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol

__all__ = ["Clock", "ControllableClock", "SystemClock"]


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """The wall clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ControllableClock:
    """A clock that test mode may move: it runs on from the instant it was last set."""

    def __init__(self) -> None:
        self._offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("the clock takes timezone-aware instants")
        self._offset = instant - datetime.now(UTC)
