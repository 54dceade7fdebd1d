"""The correlation id: one id that follows a piece of work through every service it reaches.

An HTTP request takes it from its ``X-Correlation-ID`` header (or starts one from its request
id); every event emitted while it is handled carries it as the CloudEvents extension attribute
``correlationid`` and as the AMQP ``correlation_id`` property; a consumer handling that event
takes it up again, so the events it emits carry it on. It is bound into every log line as
``correlation_id``. A caller's value is used only if it is a short token; otherwise a new one
is started.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import structlog

__all__ = ["EXTENSION", "HEADER", "accepted", "correlated", "current"]

HEADER = "x-correlation-id"
EXTENSION = "correlationid"
_TOKEN = re.compile(r"[A-Za-z0-9._:\-]{1,128}")
_current: ContextVar[str | None] = ContextVar("tarifa_correlation_id", default=None)


def current() -> str | None:
    """The correlation id of the work in progress, if any."""
    return _current.get()


def accepted(offered: str | None, fallback: str | None = None) -> str:
    """``offered`` if it is a well-formed token, else ``fallback``, else a new id."""
    if offered and _TOKEN.fullmatch(offered):
        return offered
    return fallback or str(uuid.uuid4())


@contextmanager
def correlated(correlation_id: str) -> Iterator[str]:
    """Run the enclosed work under ``correlation_id`` (and log it)."""
    token = _current.set(correlation_id)
    try:
        with structlog.contextvars.bound_contextvars(correlation_id=correlation_id):
            yield correlation_id
    finally:
        _current.reset(token)
