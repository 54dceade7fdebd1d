"""Rating hears of closed lines (``accounts.line.closed``) on a queue of its own."""

from __future__ import annotations

from collections.abc import Callable

from tarifa.messaging.envelope import CloudEvent
from tarifa.runtime import Runtime

from rating.service.closing import record_line_closed
from rating.service.ports import UnitOfWork

__all__ = ["LINE_CLOSED", "register_closing"]

LINE_CLOSED = "rating.line-closed"


def register_closing(runtime: Runtime, new_uow: Callable[[], UnitOfWork]) -> None:
    async def on_event(event: CloudEvent) -> None:
        await record_line_closed(new_uow(), LINE_CLOSED, event)

    runtime.subscribe(LINE_CLOSED, "accounts.line.closed", on_event)
