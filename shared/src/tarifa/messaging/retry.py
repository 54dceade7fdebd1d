"""Transient failures: telling them from poison, and retrying them in-process with backoff.

A database or broker that is down, restarting or refusing connections, and a serialization
failure or deadlock, say nothing about the message being handled: handled again later it will
succeed. Nacking such a message would spend the quorum queue's delivery limit and park good work
in a dead-letter queue, so the consumer keeps the message unacked and calls the handler again
after a capped exponential backoff. If the process dies meanwhile the broker redelivers it.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import TypeVar

import asyncpg
import sqlalchemy.exc
from aiormq.exceptions import AMQPConnectionError

from tarifa.logging import get_logger

__all__ = ["NotYet", "backoff_delay", "is_transient", "retry_transient"]

T = TypeVar("T")
log = get_logger(__name__)

class NotYet(Exception):
    """The message needs another one handled first (an account's opening before its line):
    handled again a little later it succeeds, so it waits like a server's outage instead of
    spending the delivery limit while the other one is on its way. The wait is bounded
    (``NOT_YET_PATIENCE``): a message whose first one never comes (it was refused) is then
    handled as a failure and, past the delivery limit, set aside in the dead-letter queue."""


NOT_YET_PATIENCE = 120.0
"""Seconds a message waits in-process for the one it needs before it counts as failed."""


TRANSIENT_TYPES: tuple[type[BaseException], ...] = (
    NotYet,
    OSError,  # connection refused/reset, unreachable host, socket timeouts
    asyncpg.PostgresConnectionError, asyncpg.InterfaceError,
    asyncpg.SerializationError, asyncpg.DeadlockDetectedError,
    asyncpg.CannotConnectNowError, asyncpg.AdminShutdownError, asyncpg.CrashShutdownError,
    asyncpg.TooManyConnectionsError,
    sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError, sqlalchemy.exc.TimeoutError,
    AMQPConnectionError,
)
"""Errors that come from the state of a server, not from the message."""

TRANSIENT_SQLSTATES = ("08", "40001", "40P01", "53300", "57P01", "57P02", "57P03")
"""Connection exceptions, serialization failure, deadlock, too many connections, shutdowns."""


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _sqlstate(exc: BaseException) -> str:
    state = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
    return state if isinstance(state, str) else ""


FILE_ERRORS = (FileNotFoundError, FileExistsError, PermissionError, IsADirectoryError,
               NotADirectoryError)
"""``OSError``s about files: a bug or a setup fault, which waiting does not mend."""


def _one_is_transient(exc: BaseException) -> bool:
    if isinstance(exc, FILE_ERRORS):
        return False
    if isinstance(exc, sqlalchemy.exc.DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, TRANSIENT_TYPES) or _sqlstate(exc).startswith(TRANSIENT_SQLSTATES)


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` (or an error it was raised from) is a server's state, not the message's."""
    return any(_one_is_transient(e) for e in _chain(exc))


def backoff_delay(attempt: int, *, base: float = 0.2, cap: float = 10.0) -> float:
    """Seconds to wait before try ``attempt + 1``: doubling from ``base``, capped, jittered."""
    ceiling = min(cap, base * 2.0 ** min(attempt, 32))
    return ceiling / 2 + random.uniform(0, ceiling / 2)  # jitter, not secrecy


def _waiting_since(exc: BaseException, since: float | None) -> float | None:
    """When the call began waiting for another message (its first ``NotYet``), if it has."""
    if since is None and any(isinstance(e, NotYet) for e in _chain(exc)):
        return time.monotonic()
    return since


def _waited_enough(exc: BaseException, since: float | None) -> bool:
    """A message still waiting for another ``NOT_YET_PATIENCE`` after it began stops waiting
    (a server outage before that does not count)."""
    return (since is not None and time.monotonic() - since > NOT_YET_PATIENCE
            and any(isinstance(e, NotYet) for e in _chain(exc)))


async def retry_transient(call: Callable[[], Awaitable[T]], *, what: str,
                          base: float = 0.2, cap: float = 10.0,
                          on_retry: Callable[[], None] | None = None) -> T:
    """Await ``call()`` until it succeeds or fails for a reason that is not transient.

    ``call`` must build its unit of work afresh each time, so a retry never reuses a session
    whose connection died with the server. ``on_retry`` is told of each transient failure.
    """
    attempt, waiting = 0, None
    while True:
        try:
            return await call()
        except Exception as exc:
            waiting = _waiting_since(exc, waiting)
            if not is_transient(exc) or _waited_enough(exc, waiting):
                raise
            delay = backoff_delay(attempt, base=base, cap=cap)
            log.warning("transient_failure", what=what, attempt=attempt + 1,
                        retry_in=round(delay, 2), error=repr(exc))
            if on_retry is not None:
                on_retry()
        await asyncio.sleep(delay)
        attempt += 1
