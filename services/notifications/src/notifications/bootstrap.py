"""Wiring of the notifications service: the only module that imports every layer."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

import httpx
from fastapi import APIRouter, FastAPI
from tarifa.client_credentials import ClientCredentials
from tarifa.logging import get_logger
from tarifa.runtime import Runtime, build_runtime, create_app
from tarifa.scheduling import Scheduler
from tarifa.web.audit import audit_router

from notifications.adapters.invoicing import HttpInvoiceDocuments
from notifications.adapters.resolver import LoopResolver
from notifications.adapters.smpp import ReceiptHandler, SmppSender
from notifications.adapters.smtp import SmtpMailer
from notifications.adapters.uow import NotificationsUnitOfWork
from notifications.adapters.webhook_http import HttpWebhookPoster
from notifications.adapters.webhook_uow import WebhooksSqlUnitOfWork
from notifications.domain.delivery import RetryPolicy
from notifications.domain.webhook_delivery import WebhookPolicy
from notifications.entrypoints.codes import register_code_consumer
from notifications.entrypoints.consumers import register_consumers
from notifications.entrypoints.dispatcher import dispatch_due
from notifications.entrypoints.http import notifications_router
from notifications.entrypoints.webhook_consumer import register_webhook_consumer
from notifications.entrypoints.webhook_dispatcher import send_due_webhooks
from notifications.entrypoints.webhooks_http import webhooks_router
from notifications.service.dispatch import Sending, deliver_due
from notifications.service.otp import CodeSending
from notifications.service.receipts import record_receipt
from notifications.service.webhook_addresses import AddressGuard
from notifications.service.webhook_dispatch import WebhookSending, deliver_next_webhook
from notifications.service.webhook_wanted import WantedTypes
from notifications.service.webhooks import EndpointRules
from notifications.settings import NotificationsSettings

__all__ = ["MIGRATIONS", "build_app"]

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
PUBLISHES = ["notifications.message.sent", "notifications.message.failed"]
WANTED_TYPES_TTL = 1.0
"""Seconds the webhook consumer trusts the event types it last read as wanted by an endpoint."""
log = get_logger(__name__)


def _mailer(settings: NotificationsSettings, runtime: Runtime) -> SmtpMailer:
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    mailer = SmtpMailer(host=settings.smtp_host, port=settings.smtp_port,
                        sender=settings.smtp_from, timeout=settings.smtp_timeout,
                        username=settings.smtp_username, password=password,
                        starttls=settings.smtp_starttls, connections=settings.smtp_connections)
    runtime.on_stop.append(mailer.close)
    return mailer


def _sms(settings: NotificationsSettings, runtime: Runtime, on_receipt: ReceiptHandler) -> SmppSender:
    sender = SmppSender(
        host=settings.smpp_host, port=settings.smpp_port, system_id=settings.smpp_system_id,
        password=settings.smpp_password.get_secret_value(), source=settings.smpp_source_address,
        timeout=settings.smpp_timeout, reconnect_interval=settings.smpp_reconnect_interval,
        enquire_interval=settings.smpp_enquire_interval, on_receipt=on_receipt)
    runtime.on_start.append(sender.start)
    runtime.on_stop.append(sender.stop)
    return sender


def _policy(settings: NotificationsSettings) -> RetryPolicy:
    return RetryPolicy(settings.send_max_attempts, timedelta(seconds=settings.send_retry_base),
                       timedelta(seconds=settings.send_retry_max))


def _sending(settings: NotificationsSettings, runtime: Runtime, sms: SmppSender) -> Sending:
    documents = HttpInvoiceDocuments(settings.invoicing_url, settings.invoicing_timeout,
                                     ClientCredentials(settings.accounts_url, settings.client_id,
                                                       settings.client_secret.get_secret_value()
                                                       ).token,
                                     connections=settings.invoicing_connections)
    runtime.on_stop.append(documents.close)
    return Sending(mailer=_mailer(settings, runtime), documents=documents,
                   policy=_policy(settings), mail_domain=settings.smtp_from.rpartition("@")[2],
                   sms=sms)


def _webhook_sending(settings: NotificationsSettings, runtime: Runtime,
                     addresses: AddressGuard) -> WebhookSending:
    client = httpx.AsyncClient(timeout=settings.webhook_timeout, trust_env=False)
    runtime.on_stop.append(client.aclose)
    policy = WebhookPolicy(timedelta(seconds=settings.webhook_retry_base),
                           timedelta(seconds=settings.webhook_retry_max),
                           timedelta(seconds=settings.webhook_retry_window),
                           settings.webhook_disable_after)
    return WebhookSending(HttpWebhookPoster(client), policy, lambda: int(time.time()), addresses)


def _webhooks(settings: NotificationsSettings, runtime: Runtime) -> APIRouter:
    """The webhook endpoints' API, their consumer and their dispatcher."""

    wanted = WantedTypes(WANTED_TYPES_TTL, time.monotonic)

    def new_uow() -> WebhooksSqlUnitOfWork:
        return WebhooksSqlUnitOfWork(runtime.sessions, service="notifications",
                                     clock=runtime.clock, on_commit=runtime.relay.wake)

    def committed() -> None:
        runtime.relay.wake()
        wanted.forget()  # a change of an endpoint is heard by this process's consumer at once

    def changing_uow() -> WebhooksSqlUnitOfWork:
        """The API's."""
        return WebhooksSqlUnitOfWork(runtime.sessions, service="notifications",
                                     clock=runtime.clock, on_commit=committed)

    addresses = AddressGuard(LoopResolver(), allow_private=settings.webhook_allow_private)
    sending = _webhook_sending(settings, runtime, addresses)
    dispatcher = Scheduler("notifications-webhooks",
                           send_due_webhooks(lambda: deliver_next_webhook(new_uow(), sending)),
                           interval=settings.dispatch_interval)

    async def clock_moved(_now: datetime) -> None:
        dispatcher.wake()

    register_webhook_consumer(runtime, new_uow, dispatcher.wake, wanted)
    runtime.on_start.append(dispatcher.start)
    runtime.on_stop.insert(0, dispatcher.stop)
    runtime.on_clock_move.append(clock_moved)
    rules = EndpointRules(addresses,
                          rotation_grace=timedelta(seconds=settings.webhook_rotation_grace))
    return webhooks_router(changing_uow, rules)


def build_app(settings: NotificationsSettings) -> FastAPI:
    runtime = build_runtime(settings)

    def new_uow() -> NotificationsUnitOfWork:
        return NotificationsUnitOfWork(runtime.sessions, service="notifications",
                                       clock=runtime.clock, on_commit=runtime.relay.wake)

    async def receipt(delivery_id: str, delivered: bool, detail: str | None) -> None:
        try:
            await record_receipt(new_uow(), delivery_id, delivered=delivered, detail=detail)
        except Exception as exc:
            log.error("receipt_failed", delivery_id=delivery_id, error=repr(exc), exc_info=True)

    sms = _sms(settings, runtime, receipt)
    sending = _sending(settings, runtime, sms)
    dispatcher = Scheduler("notifications-dispatcher",
                           dispatch_due(lambda: deliver_due(new_uow(), sending, settings.send_batch),
                                        workers=settings.send_concurrency),
                           interval=settings.dispatch_interval)

    async def clock_moved(_now: datetime) -> None:
        dispatcher.wake()

    register_consumers(runtime, new_uow, dispatcher.wake, settings.low_balance)
    register_code_consumer(runtime, new_uow, CodeSending(sms, _policy(settings), runtime.clock))
    runtime.on_start.append(dispatcher.start)
    runtime.on_stop.insert(0, dispatcher.stop)
    runtime.on_clock_move.append(clock_moved)
    runtime.publishes(PUBLISHES)
    return create_app(runtime, title="Tarifa notifications",
                      routers=[notifications_router(new_uow), _webhooks(settings, runtime),
                               audit_router(new_uow, tag="notifications")],
                      description="Notifications: e-bills and notices by email and SMS (SMPP), "
                                  "one-time codes, delivery status, templates; webhooks "
                                  "signed per Standard Webhooks.")
