"""The webhook consumer's knowledge of the wanted event types: kept for its ttl, read again
after it or at once after ``forget``."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any, cast

from notifications.service.webhook_ports import WebhooksUnitOfWork
from notifications.service.webhook_wanted import WantedTypes


class _Endpoints:
    def __init__(self) -> None:
        self.types: set[str] = set()
        self.reads = 0
        self.during_read: Any = None

    async def wanted_types(self) -> set[str]:
        self.reads += 1
        await asyncio.sleep(0)  # a round trip: other events run meanwhile
        types = set(self.types)
        if self.during_read:
            self.during_read()
        return types


class _Uow:
    def __init__(self, endpoints: _Endpoints) -> None:
        self.endpoints = endpoints

    async def __aenter__(self) -> _Uow:
        return self

    async def __aexit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None
                        ) -> None:
        return None


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _uow(endpoints: _Endpoints) -> WebhooksUnitOfWork:
    return cast(WebhooksUnitOfWork, _Uow(endpoints))


async def test_the_types_read_are_trusted_for_the_ttl_then_read_again() -> None:
    endpoints, clock = _Endpoints(), _Clock()
    wanted = WantedTypes(1.0, clock)
    assert not await wanted.wanted(_uow(endpoints), "invoicing.invoice.issued")
    endpoints.types = {"invoicing.invoice.issued"}
    clock.now += 0.5
    assert not await wanted.wanted(_uow(endpoints), "invoicing.invoice.issued")
    assert endpoints.reads == 1
    clock.now += 0.5
    assert await wanted.wanted(_uow(endpoints), "invoicing.invoice.issued")
    assert endpoints.reads == 2


async def test_forget_reads_again_at_once_and_a_read_under_way_is_not_kept() -> None:
    endpoints, clock = _Endpoints(), _Clock()
    wanted = WantedTypes(60.0, clock)
    assert not await wanted.wanted(_uow(endpoints), "payments.payment.received")
    endpoints.types = {"payments.payment.received"}
    endpoints.during_read = wanted.forget  # an endpoint changed while the types were read
    wanted.forget()
    assert await wanted.wanted(_uow(endpoints), "payments.payment.received")
    endpoints.during_read = None
    endpoints.types = set()
    assert not await wanted.wanted(_uow(endpoints), "payments.payment.received")
    assert endpoints.reads == 3


async def test_events_that_find_the_types_out_of_date_together_share_one_read() -> None:
    endpoints, clock = _Endpoints(), _Clock()
    wanted = WantedTypes(1.0, clock)
    endpoints.types = {"invoicing.invoice.issued"}
    answers = await asyncio.gather(*(wanted.wanted(_uow(endpoints), "invoicing.invoice.issued")
                                     for _ in range(20)))
    assert all(answers) and endpoints.reads == 1
    clock.now += 1.0
    await asyncio.gather(*(wanted.wanted(_uow(endpoints), "x") for _ in range(5)))
    assert endpoints.reads == 2
