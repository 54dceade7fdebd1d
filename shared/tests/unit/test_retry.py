"""Transient failures are told from poison, retried with capped backoff, and poison is not."""

from __future__ import annotations

import time
from collections.abc import Callable

import asyncpg
import pytest
import sqlalchemy.exc
from aiormq.exceptions import AMQPConnectionError
from tarifa.messaging import retry
from tarifa.messaging.envelope import PoisonMessage
from tarifa.messaging.retry import NotYet, backoff_delay, is_transient, retry_transient


def _wrapped(orig: BaseException) -> sqlalchemy.exc.DBAPIError:
    """What SQLAlchemy's asyncpg dialect raises: the driver's error as ``orig`` and as cause."""
    try:
        raise sqlalchemy.exc.DBAPIError("SELECT 1", None, orig) from orig
    except sqlalchemy.exc.DBAPIError as exc:
        return exc


class _WithSqlstate(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


@pytest.mark.parametrize("exc", [
    ConnectionRefusedError(111, "Connect call failed"),
    ConnectionResetError(104, "Connection reset by peer"),
    OSError(101, "Network is unreachable"),
    TimeoutError(),
    asyncpg.CannotConnectNowError("the database system is starting up"),
    asyncpg.AdminShutdownError("terminating connection due to administrator command"),
    asyncpg.InterfaceError("connection is closed"),
    asyncpg.SerializationError("could not serialize access"),
    asyncpg.DeadlockDetectedError("deadlock detected"),
    sqlalchemy.exc.OperationalError("SELECT 1", None, Exception("server closed")),
    sqlalchemy.exc.InterfaceError("SELECT 1", None, Exception("connection closed")),
    _wrapped(_WithSqlstate("40001")),
    _wrapped(_WithSqlstate("08006")),
    _wrapped(asyncpg.AdminShutdownError("terminating")),
    AMQPConnectionError("broker gone"),
])
def test_server_state_is_transient(exc: BaseException) -> None:
    assert is_transient(exc)


@pytest.mark.parametrize("exc", [
    PoisonMessage("bad content"),
    ValueError("bad amount"),
    KeyError("line_id"),
    FileNotFoundError("template.html"),
    _wrapped(_WithSqlstate("23505")),  # unique violation: the message's content
    _wrapped(asyncpg.DataError("invalid input")),
    sqlalchemy.exc.IntegrityError("INSERT", None, Exception("not null")),
])
def test_content_errors_are_not_transient(exc: BaseException) -> None:
    assert not is_transient(exc)


def test_a_cause_further_down_the_chain_counts() -> None:
    try:
        try:
            raise ConnectionResetError(104, "reset")
        except ConnectionResetError as inner:
            raise RuntimeError("use case failed") from inner
    except RuntimeError as outer:
        assert is_transient(outer)


def test_backoff_doubles_and_is_capped() -> None:
    for attempt, ceiling in [(0, 0.2), (1, 0.4), (2, 0.8), (3, 1.6), (10, 10.0), (10_000, 10.0)]:
        delay = backoff_delay(attempt, base=0.2, cap=10.0)
        assert ceiling / 2 <= delay <= ceiling


class _Calls:
    """A call that raises what ``failing(tries)`` gives (None: it answers "done"); its tries."""

    def __init__(self, failing: Callable[[int], BaseException | None]) -> None:
        self.tries, self._failing = 0, failing

    async def __call__(self) -> str:
        self.tries += 1
        if (exc := self._failing(self.tries)) is not None:
            raise exc
        return "done"


async def test_transient_failures_are_retried_until_the_call_succeeds() -> None:
    call = _Calls(lambda n: asyncpg.CannotConnectNowError("starting up") if n < 4 else None)
    assert await retry_transient(call, what="sample", base=0.001, cap=0.002) == "done"
    assert call.tries == 4


async def test_a_content_error_is_raised_at_once() -> None:
    call = _Calls(lambda _: PoisonMessage("bad content"))
    with pytest.raises(PoisonMessage):
        await retry_transient(call, what="sample", base=0.001, cap=0.002)
    assert call.tries == 1


async def test_a_message_waiting_for_another_stops_waiting_after_its_patience(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retry, "NOT_YET_PATIENCE", 0.05)
    call = _Calls(lambda _: NotYet("the account is not known yet"))
    with pytest.raises(NotYet):
        await retry_transient(call, what="test", base=0.01, cap=0.02)
    assert call.tries >= 2


async def test_a_server_outage_is_waited_out_past_the_patience_for_other_messages(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retry, "NOT_YET_PATIENCE", 0.0)
    call = _Calls(lambda n: ConnectionRefusedError(111, "Connect call failed") if n < 4 else None)
    assert await retry_transient(call, what="test", base=0.01, cap=0.02) == "done"


async def test_the_patience_counts_from_the_first_wait_not_from_an_outage_before(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retry, "NOT_YET_PATIENCE", 0.2)
    outage_ends = time.monotonic() + 0.3

    def failing(_: int) -> BaseException | None:
        if time.monotonic() < outage_ends:
            return ConnectionRefusedError(111, "Connect call failed")
        return NotYet("the account is not known yet")

    call = _Calls(failing)
    with pytest.raises(NotYet):  # waited once the outage ended, then gave up after its patience
        await retry_transient(call, what="test", base=0.01, cap=0.02)
    assert time.monotonic() - outage_ends >= 0.2
