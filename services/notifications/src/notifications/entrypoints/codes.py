"""The one-time code queue: accounts puts codes on ``notifications.otp``, not on the event bus.

A quorum queue on the default exchange whose messages live 15 minutes (declared the same way by
accounts). No dead-letter queue is declared for it, so a code RabbitMQ drops (expired, rejected,
or redelivered past the limit) is gone rather than kept. Nothing here logs the code: a body
that does not parse is rejected with the number of its errors only.
"""

from __future__ import annotations

from collections.abc import Callable

from faststream import AckPolicy
from faststream.rabbit.annotations import RabbitMessage
from pydantic import ValidationError
from tarifa.logging import get_logger
from tarifa.messaging.consumer import delivery
from tarifa.messaging.topology import quorum_queue
from tarifa.runtime import Runtime

from notifications.domain.otp import OneTimeCode
from notifications.entrypoints.schemas import CodeMessage
from notifications.service.otp import CodeSending, send_code
from notifications.service.ports import UnitOfWork

__all__ = ["OTP_QUEUE", "OTP_TTL_MS", "register_code_consumer"]

OTP_QUEUE = "notifications.otp"
OTP_TTL_MS = 900_000
log = get_logger(__name__)


def _message_id(message: RabbitMessage, body: CodeMessage) -> str:
    given = getattr(message.raw_message, "message_id", None)
    return str(given) if given else f"otp:{body.msisdn}:{body.expires_at.isoformat()}"


def register_code_consumer(runtime: Runtime, new_uow: Callable[[], UnitOfWork],
                           sending: CodeSending) -> None:
    async def on_code(message: RabbitMessage) -> None:
        try:
            body = CodeMessage.model_validate_json(message.body)
        except ValidationError as exc:
            log.warning("otp_rejected", reason="invalid body", errors=exc.error_count())
            await message.reject()
            return
        code = OneTimeCode(body.msisdn, body.code, body.language, body.expires_at)
        delivery = await send_code(new_uow, sending, OTP_QUEUE, _message_id(message, body), code)
        log.info("otp_handled", delivery_id=delivery.id if delivery else None,
                 status=str(delivery.status) if delivery else "duplicate",
                 error=delivery.last_error if delivery else None)

    runtime.broker.subscriber(
        quorum_queue(OTP_QUEUE, ttl_ms=OTP_TTL_MS), ack_policy=AckPolicy.NACK_ON_ERROR,
        decoder=delivery, title=OTP_QUEUE, description="one-time codes to send by SMS at once")(on_code)
