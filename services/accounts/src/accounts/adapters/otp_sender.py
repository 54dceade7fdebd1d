"""Sending one-time codes to the notifications service on its own queue, not on the outbox.

The code is published on the default exchange to the quorum queue ``notifications.otp``
(declared with the same arguments the consumer uses, a 15-minute message TTL), persistent and
with publisher confirms, right after the challenge is committed. Nothing with the code is
written to the database or to a log: if the broker does not confirm, the code is lost and the
subscriber asks for a new one (the answer to the request never depended on the sending).
"""

from __future__ import annotations

import asyncio
import json
import uuid

from faststream.rabbit import RabbitBroker
from tarifa.logging import get_logger
from tarifa.messaging.topology import quorum_queue

from accounts.domain.otp import OneTimeCode

__all__ = ["OTP_QUEUE", "OTP_TTL_MS", "AmqpCodeSender"]

OTP_QUEUE = "notifications.otp"
OTP_TTL_MS = 900_000
log = get_logger(__name__)


def _body(code: OneTimeCode) -> bytes:
    return json.dumps({"msisdn": code.msisdn, "code": code.code, "language": code.language,
                       "expires_at": code.expires_at.isoformat()}).encode()


class AmqpCodeSender:
    """Publishes each code in the background, so the HTTP answer never waits for the broker.

    Each message has its own ``message_id``, which the consumer uses to send a code once.
    """

    def __init__(self, broker: RabbitBroker) -> None:
        self._broker = broker
        self._pending: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        await self._broker.declare_queue(quorum_queue(OTP_QUEUE, ttl_ms=OTP_TTL_MS))

    async def stop(self) -> None:
        await asyncio.gather(*self._pending, return_exceptions=True)

    def send(self, code: OneTimeCode) -> None:
        task = asyncio.create_task(self._publish(_body(code)), name="otp-send")
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _publish(self, body: bytes) -> None:
        try:
            await self._broker.publish(body, queue=OTP_QUEUE, persist=True, mandatory=True,
                                       content_type="application/json", timeout=10,
                                       message_id=str(uuid.uuid4()))
        except Exception as exc:  # the subscriber asks again; the error names no code
            log.warning("otp_send_failed", error=type(exc).__name__)
