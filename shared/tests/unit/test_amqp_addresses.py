"""Several broker addresses: the first that answers is taken, and a robust connection walks its
ring one address per connection attempt."""

from __future__ import annotations

import pytest
from tarifa.messaging.addresses import (
    FailoverConnection,
    connect_first,
    failover_class,
    rings,
    split_addresses,
)
from yarl import URL

A, B, C = (f"amqp://guest:secret@node-{n}:5672/" for n in "abc")


class FakeBroker:
    """Answers only at the addresses it is told are up; remembers every attempt."""

    def __init__(self, *up: str) -> None:
        self.up, self.tried = set(up), list[str]()

    async def connect(self, address: str) -> str:
        self.tried.append(address)
        if address not in self.up:
            raise ConnectionRefusedError(address)
        return f"connection to {address}"


def test_a_list_is_split_on_commas_without_blanks() -> None:
    assert split_addresses(f" {A}, ,{B},") == [A, B]


def test_each_ring_starts_at_the_next_address() -> None:
    assert rings([A, B, C]) == [[A, B, C], [B, C, A], [C, A, B]]


async def test_the_first_address_that_answers_is_taken() -> None:
    broker = FakeBroker(B, C)
    assert await connect_first([A, B, C], broker.connect) == f"connection to {B}"
    assert broker.tried == [A, B]


async def test_no_address_answering_raises_the_last_failure() -> None:
    broker = FakeBroker()
    with pytest.raises(ConnectionRefusedError, match="node-c"):
        await connect_first([A, B, C], broker.connect)
    assert broker.tried == [A, B, C]


async def test_an_empty_list_is_refused() -> None:
    with pytest.raises(ValueError, match="no AMQP address"):
        await connect_first([], FakeBroker(A).connect)


def _connection(ring: list[str]) -> FailoverConnection:
    return failover_class(ring)(URL(ring[0]))


def test_every_connection_attempt_goes_to_the_next_address_round_the_ring() -> None:
    connection = _connection([A, B, C])
    attempts = [str(connection.url) for _ in range(4)]  # one read per attempt
    assert attempts == [A, B, C, A]


def test_a_live_transport_keeps_its_address_and_the_log_hides_the_password() -> None:
    connection = _connection([A, B])
    assert str(connection.url) == A
    connection.transport = object()  # type: ignore[assignment]  # a stand-in: only its presence counts
    assert str(connection.url) == A
    assert str(connection) == "amqp://guest:******@node-a:5672/"


def test_a_new_secret_applies_to_every_node() -> None:
    connection = _connection([A, B])
    connection.url = URL(A).with_password("rotated")
    assert {u.password for u in connection.ring} == {"rotated"}
