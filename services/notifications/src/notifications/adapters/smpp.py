"""SMS over SMPP 3.4 to the operator's SMSC, with aiosmpplib's ESME.

One transceiver session stays bound while the service runs; the library reconnects after a
drop and keeps it alive with ``enquire_link``. ``send`` hands one message to the session and
waits for the SMSC's ``submit_sm_resp``: accepted is sent, an error status or no answer in time
is a failed attempt (no session bound: failed at once, so nothing waits in a queue).

Text that fits GSM 03.38 goes as GSM-7 (data_coding 0), anything else as UCS-2 (data_coding 8);
a text longer than one SMS is cut into segments with a concatenation header (UDH), and the
library waits for every segment's answer. Delivery receipts are requested; each one the
library ties back to a message is passed to ``on_receipt``.

The library's own log lines are passed on without their data part, which may hold message text.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from aiosmpplib import (  # type: ignore[import-untyped]
    ESME,
    NPI,
    TON,
    AbstractBroker,
    AbstractHook,
    AbstractRetryTimer,
    DeliverSm,
    PhoneNumber,
    SmppCommand,
    SmppCommandStatus,
    SmppMessage,
    SmppSessionState,
    SubmitSm,
)
from tarifa.logging import get_logger

from notifications.domain.message import OutgoingSms
from notifications.service.ports import SendFailed

__all__ = ["ReceiptHandler", "SmppSender"]

ReceiptHandler = Callable[[str, bool, str | None], Coroutine[Any, Any, None]]
log = get_logger(__name__)

_UDHI = 0b01000000
_PERMANENT = frozenset({SmppCommandStatus.ESME_RINVDSTADR, SmppCommandStatus.ESME_RINVSRCADR,
                        SmppCommandStatus.ESME_RINVMSGLEN})


def _address(number: str) -> PhoneNumber:
    digits = number.removeprefix("+")
    if digits.isdigit():
        return PhoneNumber(digits, TON.INTERNATIONAL, NPI.ISDN)
    return PhoneNumber(number, TON.ALPHANUMERIC, NPI.UNKNOWN)


def _submit(sms: OutgoingSms, source: str) -> SubmitSm:
    return SubmitSm(short_message=sms.text, source=_address(source),
                    destination=_address(sms.recipient), esm_class=_UDHI,
                    registered_delivery=1, auto_message_payload=False, log_id=sms.reference)


class _Outbound(AbstractBroker):  # type: ignore[misc]
    """The library's send queue; a message whose sender stopped waiting is dropped."""

    def __init__(self, waiting: dict[str, asyncio.Future[None]]) -> None:
        self._queue: asyncio.Queue[SmppMessage] = asyncio.Queue()
        self._waiting = waiting

    async def enqueue(self, message: SmppMessage) -> None:
        await self._queue.put(message)

    async def dequeue(self) -> SmppMessage:
        while True:
            message = await self._queue.get()
            future = self._waiting.get(message.log_id)
            if future is not None and not future.done():
                return message


class _FixedDelay(AbstractRetryTimer):  # type: ignore[misc]
    def __init__(self, seconds: float) -> None:
        self._seconds = seconds

    async def wait(self) -> None:
        await asyncio.sleep(self._seconds)

    def reset(self) -> None:
        return None

    def next_delay(self) -> float:
        return self._seconds


class _LibraryLog(logging.Handler):
    """The library's lines as ``smpp_client`` events, the text before its data part only."""

    def emit(self, record: logging.LogRecord) -> None:
        detail = record.getMessage().partition(" >>> ")[0]
        log.log(min(record.levelno, logging.WARNING), "smpp_client", detail=detail)


def _refused(status: SmppCommandStatus) -> SendFailed:
    return SendFailed(f"SMSC refused the message: {status.name}", permanent=status in _PERMANENT)


class _Hook(AbstractHook):  # type: ignore[misc]
    """Answers of the SMSC: they settle the waiting senders and carry the delivery receipts."""

    def __init__(self, sender: SmppSender) -> None:
        self._sender = sender

    async def sending(self, smpp_message: SmppMessage, pdu: bytes, client_id: str) -> None:
        """Refuse to write a message whose sender gave up waiting (it will be tried again)."""
        if isinstance(smpp_message, SubmitSm) and not self._sender.waits_for(smpp_message.log_id):
            raise ValueError("the sender stopped waiting for this message")

    async def received(self, smpp_message: SmppMessage | None, pdu: bytes, client_id: str) -> None:
        if smpp_message is None:
            return
        if smpp_message.smpp_command is SmppCommand.SUBMIT_SM_RESP:
            status = smpp_message.command_status
            self._sender.settle(smpp_message.log_id,
                                None if status is SmppCommandStatus.ESME_ROK else _refused(status))
        elif isinstance(smpp_message, DeliverSm) and smpp_message.is_receipt():
            self._sender.receipt(smpp_message)

    async def send_error(self, smpp_message: SmppMessage, error: Exception, client_id: str) -> None:
        self._sender.settle(smpp_message.log_id,
                            SendFailed(f"SMPP session could not send: {type(error).__name__}"))


async def _cancelled(tasks: set[asyncio.Task[None]], grace: float) -> None:
    """Cancel ``tasks`` until they are done. Once is not always enough: the library loses a
    cancel that meets its connect just as it completes (``asyncio.wait_for`` on Python 3.11) or
    one that comes while it ends a task of its own, and its session then goes on."""
    while tasks:
        for task in tasks:
            task.cancel()
        _done, tasks = await asyncio.wait(tasks, timeout=grace)


class SmppSender:
    """The SMS channel over one bound transceiver session."""

    def __init__(self, *, host: str, port: int, system_id: str, password: str, source: str,
                 timeout: float, reconnect_interval: float, enquire_interval: float,
                 on_receipt: ReceiptHandler | None = None) -> None:
        self._source, self._timeout, self._on_receipt = source, timeout, on_receipt
        self._waiting: dict[str, asyncio.Future[None]] = {}
        self._outbound = _Outbound(self._waiting)
        self._background: set[asyncio.Task[None]] = set()
        self._esme = ESME(
            smsc_host=host, smsc_port=port, system_id=system_id, password=password,
            client_id="tarifa-notifications", hook=_Hook(self), broker=self._outbound,
            retry_timer=_FixedDelay(reconnect_interval), socket_timeout=float(timeout),
            enquire_link_interval=float(enquire_interval), log_level=logging.WARNING,
            log_handler=_LibraryLog(), log_metadata={})
        self._session: asyncio.Task[None] | None = None

    @property
    def bound(self) -> bool:
        return bool(self._esme.session_state == SmppSessionState.BOUND_TRX)

    async def start(self) -> None:
        self._session = asyncio.create_task(self._esme.start(), name="smpp-session")

    async def stop(self) -> None:
        """Unbind (waiting ``timeout`` at most for the SMSC), then end the session's tasks."""
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._esme.stop(), self._timeout)
        await _cancelled({t for t in (self._session, *self._background) if t}, self._timeout)

    async def send(self, sms: OutgoingSms) -> None:
        if not self.bound:
            raise SendFailed("SMSC unreachable: no bound SMPP session")
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting[sms.reference] = future
        try:
            await self._outbound.enqueue(_submit(sms, self._source))
            await asyncio.wait_for(future, self._timeout)
        except TimeoutError as exc:
            raise SendFailed("SMSC did not answer in time") from exc
        finally:
            self._waiting.pop(sms.reference, None)

    def waits_for(self, reference: str) -> bool:
        future = self._waiting.get(reference)
        return future is not None and not future.done()

    def settle(self, reference: str, error: SendFailed | None) -> None:
        future = self._waiting.get(reference)
        if future is None or future.done():
            return
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)

    def receipt(self, message: DeliverSm) -> None:
        if self._on_receipt is None or not message.log_id:
            return
        fields = message.parse_receipt()
        status = str(fields.get("stat", ""))
        task = asyncio.create_task(self._on_receipt(message.log_id, status == "DELIVRD", status))
        self._background.add(task)
        task.add_done_callback(self._background.discard)
