"""Wiring of the payments service: the only module that imports every layer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import httpx
from fastapi import FastAPI
from tarifa.runtime import Runtime, build_runtime, create_app
from tarifa.scheduling import Scheduler
from tarifa.web.audit import audit_router

from payments.adapters.gateways.sandbox import SandboxGateway
from payments.adapters.uow import PaymentsUnitOfWork
from payments.domain.autopay_charge import AutopayPolicy, RetryPolicy
from payments.domain.default_limits import overridden
from payments.domain.limits import Bounds, PaymentLimits
from payments.entrypoints.consumers import register_autopay_consumers, register_consumers
from payments.entrypoints.history import history_router
from payments.entrypoints.http import CardPayments, payments_router
from payments.entrypoints.limits import limits_router
from payments.entrypoints.methods import methods_router
from payments.entrypoints.registries import registries_router
from payments.entrypoints.registry_queue import registry_queue_router
from payments.entrypoints.registry_rows import registry_rows_router
from payments.entrypoints.webhooks import webhooks_router
from payments.service.autopay_runs import AutopayRunner
from payments.service.events import PUBLISHED
from payments.service.ports import CardGateway, UnitOfWork
from payments.settings import PaymentsSettings

__all__ = ["MIGRATIONS", "build_app"]

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
PUBLISHES = PUBLISHED
CARD_GATEWAY = "sandbox"


def _gateways(settings: PaymentsSettings, runtime: Runtime) -> dict[str, CardGateway]:
    """The card gateways this deployment is configured for (none without a webhook secret)."""
    if settings.gateway_webhook_secret is None:
        return {}
    client = httpx.AsyncClient(timeout=settings.gateway_timeout)

    async def close() -> None:
        await client.aclose()

    runtime.on_stop.append(close)
    sandbox = SandboxGateway(
        client, base_url=settings.gateway_url,
        secret=settings.gateway_webhook_secret.get_secret_value(),
        notify_url=f"{settings.public_url.rstrip('/')}/v1/webhooks/sandbox",
        tolerance=settings.webhook_tolerance)
    return {sandbox.name: sandbox}


def _limits(settings: PaymentsSettings) -> PaymentLimits:
    kinds = {currency: {str(kind): Bounds(bounds.min, bounds.max) for kind, bounds in each.items()}
             for currency, each in settings.limits.items()}
    return PaymentLimits(max_per_transaction=settings.online_max, topup_min=settings.topup_min,
                         topup_max=settings.topup_max, kinds=overridden(kinds))


def _autopay_policy(settings: PaymentsSettings) -> AutopayPolicy:
    return AutopayPolicy(RetryPolicy(tuple(settings.autopay_retry_days),
                                     settings.autopay_max_attempts),
                         settings.autopay_days_before_due,
                         timedelta(seconds=settings.gateway_timeout))


def _autopay(settings: PaymentsSettings, runtime: Runtime, new_uow: Callable[[], UnitOfWork],
             gateway: CardGateway | None) -> None:
    """Autopay's consumers, and its job when a card gateway is configured: run on every move
    of the test clock, whenever a charge is scheduled, and every ``autopay_interval``."""
    policy = _autopay_policy(settings)
    if gateway is None:
        register_autopay_consumers(runtime, new_uow, policy, lambda: None)
        return
    runner = AutopayRunner(new_uow, gateway, policy)
    scheduler = Scheduler("payments-autopay", runner.run, interval=settings.autopay_interval)

    async def clock_moved(_now: datetime) -> None:
        await runner.run()

    register_autopay_consumers(runtime, new_uow, policy, scheduler.wake)
    runtime.on_start.append(scheduler.start)
    runtime.on_stop.insert(0, scheduler.stop)
    runtime.on_clock_move.append(clock_moved)


def build_app(settings: PaymentsSettings) -> FastAPI:
    runtime = build_runtime(settings)

    def new_uow() -> PaymentsUnitOfWork:
        return PaymentsUnitOfWork(runtime.sessions, service="payments", clock=runtime.clock,
                                  on_commit=runtime.relay.wake)

    register_consumers(runtime, new_uow)
    runtime.publishes(PUBLISHES)
    cards = CardPayments(_gateways(settings, runtime), CARD_GATEWAY, _limits(settings))
    _autopay(settings, runtime, new_uow, cards.gateways.get(CARD_GATEWAY))
    routers = [payments_router(new_uow, cards), webhooks_router(new_uow, cards.gateways),
               registries_router(new_uow, settings.registry_max_rows, settings.registry_max_bytes),
               registry_rows_router(new_uow), registry_queue_router(new_uow),
               methods_router(new_uow, cards), history_router(new_uow), limits_router(cards.limits),
               audit_router(new_uow, tag="payments")]
    return create_app(runtime, title="Tarifa payments", routers=routers,
                      description="Payments: card gateways, partner channels, registry files, "
                                  "refunds, stored cards and autopay.")
