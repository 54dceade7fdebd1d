"""SQL repositories of the webhooks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.adapters.webhook_tables import (
    webhook_attempts,
    webhook_deliveries,
    webhook_endpoints,
)
from notifications.domain.webhook_delivery import (
    AttemptOutcome,
    WebhookAttempt,
    WebhookDelivery,
    WebhookStatus,
)
from notifications.domain.webhooks import EndpointStatus, SigningSecret, WebhookEndpoint
from notifications.service.webhook_ports import AttemptPage

__all__ = ["SqlEndpoints", "SqlWebhookDeliveries"]


def _secrets(endpoint: WebhookEndpoint) -> list[dict[str, str | None]]:
    return [{"value": s.value, "expires_at": s.expires_at.isoformat() if s.expires_at else None}
            for s in endpoint.secrets]


def _row(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {"id": endpoint.id, "url": endpoint.url, "event_types": list(endpoint.event_types),
            "description": endpoint.description, "status": str(endpoint.status),
            "secrets": _secrets(endpoint), "consecutive_failures": endpoint.consecutive_failures,
            "disabled_reason": endpoint.disabled_reason, "created_at": endpoint.created_at}


def _endpoint(row: Any) -> WebhookEndpoint:
    secrets = tuple(SigningSecret(s["value"], datetime.fromisoformat(s["expires_at"])
                                  if s["expires_at"] else None) for s in row["secrets"])
    return WebhookEndpoint(
        id=row["id"], url=row["url"], event_types=tuple(row["event_types"]),
        description=row["description"], status=EndpointStatus(row["status"]), secrets=secrets,
        created_at=row["created_at"], consecutive_failures=row["consecutive_failures"],
        disabled_reason=row["disabled_reason"])


class SqlEndpoints:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, endpoint: WebhookEndpoint) -> None:
        await self._session.execute(insert(webhook_endpoints).values(_row(endpoint)))

    async def get(self, endpoint_id: str, *, lock: bool = False) -> WebhookEndpoint | None:
        query = select(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id)
        row = (await self._session.execute(query.with_for_update() if lock else query)
               ).mappings().first()
        return _endpoint(row) if row else None

    async def all(self) -> list[WebhookEndpoint]:
        query = select(webhook_endpoints).order_by(webhook_endpoints.c.created_at,
                                                   webhook_endpoints.c.id)
        return [_endpoint(row) for row in (await self._session.execute(query)).mappings()]

    async def wanting(self, event_type: str) -> list[WebhookEndpoint]:
        query = select(webhook_endpoints).where(
            webhook_endpoints.c.status == EndpointStatus.ACTIVE.value,
            webhook_endpoints.c.event_types.any_() == event_type)
        return [_endpoint(row) for row in (await self._session.execute(query)).mappings()]

    async def wanted_types(self) -> set[str]:
        query = select(func.unnest(webhook_endpoints.c.event_types)).where(
            webhook_endpoints.c.status == EndpointStatus.ACTIVE.value)
        return {str(name) for name in (await self._session.execute(query)).scalars()}

    async def save(self, endpoint: WebhookEndpoint) -> None:
        await self._session.execute(update(webhook_endpoints)
                                    .where(webhook_endpoints.c.id == endpoint.id)
                                    .values(_row(endpoint)))

    async def delete(self, endpoint_id: str) -> None:
        await self._session.execute(delete(webhook_endpoints)
                                    .where(webhook_endpoints.c.id == endpoint_id))


def _delivery(row: Any) -> WebhookDelivery:
    return WebhookDelivery(
        id=row["id"], endpoint_id=row["endpoint_id"], event_id=row["event_id"],
        event_type=row["event_type"], body=row["body"], status=WebhookStatus(row["status"]),
        attempts=row["attempts"], created_at=row["created_at"],
        next_attempt_at=row["next_attempt_at"])


def _attempt(row: Any) -> WebhookAttempt:
    return WebhookAttempt(
        delivery_id=row["delivery_id"], endpoint_id=row["endpoint_id"], event_id=row["event_id"],
        event_type=row["event_type"], number=row["number"], at=row["at"],
        outcome=AttemptOutcome(row["status_code"], row["latency_ms"], row["error"]))


class SqlWebhookDeliveries:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, delivery: WebhookDelivery) -> bool:
        values = {"id": delivery.id, "endpoint_id": delivery.endpoint_id,
                  "event_id": delivery.event_id, "event_type": delivery.event_type,
                  "body": delivery.body, "status": str(delivery.status),
                  "attempts": delivery.attempts, "created_at": delivery.created_at,
                  "next_attempt_at": delivery.next_attempt_at}
        statement = insert(webhook_deliveries).values(values).on_conflict_do_nothing()
        return (await self._session.execute(statement.returning(webhook_deliveries.c.id))
                ).first() is not None

    async def next_due(self, now: datetime) -> WebhookDelivery | None:
        query = (select(webhook_deliveries)
                 .join(webhook_endpoints, webhook_endpoints.c.id == webhook_deliveries.c.endpoint_id)
                 .where(webhook_deliveries.c.status == WebhookStatus.PENDING.value,
                        webhook_deliveries.c.next_attempt_at <= now,
                        webhook_endpoints.c.status == EndpointStatus.ACTIVE.value)
                 .order_by(webhook_deliveries.c.next_attempt_at).limit(1)
                 .with_for_update(of=webhook_deliveries, skip_locked=True))
        row = (await self._session.execute(query)).mappings().first()
        return _delivery(row) if row else None

    async def save(self, delivery: WebhookDelivery) -> None:
        await self._session.execute(
            update(webhook_deliveries).where(webhook_deliveries.c.id == delivery.id)
            .values(status=str(delivery.status), attempts=delivery.attempts,
                    next_attempt_at=delivery.next_attempt_at))

    async def log(self, attempt: WebhookAttempt) -> None:
        await self._session.execute(insert(webhook_attempts).values(
            delivery_id=attempt.delivery_id, endpoint_id=attempt.endpoint_id,
            event_id=attempt.event_id, event_type=attempt.event_type, number=attempt.number,
            at=attempt.at, status_code=attempt.outcome.status_code,
            latency_ms=attempt.outcome.latency_ms, error=attempt.outcome.error))

    async def attempts(self, endpoint_id: str, *, before: int | None, limit: int) -> AttemptPage:
        query = select(webhook_attempts).where(webhook_attempts.c.endpoint_id == endpoint_id)
        if before is not None:
            query = query.where(webhook_attempts.c.seq < before)
        rows = list((await self._session.execute(
            query.order_by(webhook_attempts.c.seq.desc()).limit(limit + 1))).mappings())
        cursor = int(rows[limit - 1]["seq"]) if len(rows) > limit else None
        return AttemptPage([_attempt(row) for row in rows[:limit]], cursor)
