"""Wiring of the invoicing service: the only module that imports every layer."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from pathlib import Path

import httpx
from fastapi import FastAPI
from tarifa.client_credentials import ClientCredentials
from tarifa.runtime import Runtime, build_runtime, create_app
from tarifa.scheduling import Scheduler
from tarifa.web.audit import audit_router

from invoicing.adapters.metrics import PrometheusProgress
from invoicing.adapters.pdf import (
    PdfRenderer,
    PdfVerifier,
    build_renderer,
    build_verifier,
    check_credentials,
)
from invoicing.adapters.rated_usage import HttpRatedUsage
from invoicing.adapters.uow import InvoicingUnitOfWork
from invoicing.domain.statement import Statement
from invoicing.entrypoints.closing_consumer import register_closing
from invoicing.entrypoints.consumers import register_consumers
from invoicing.entrypoints.corrections_http import corrections_router
from invoicing.entrypoints.detailed_bill_http import detailed_bill_router
from invoicing.entrypoints.documents_http import documents_router
from invoicing.entrypoints.http import invoicing_router
from invoicing.entrypoints.one_off_http import one_off_router
from invoicing.entrypoints.schedule_http import register_billing_schedule, runs_list_router
from invoicing.entrypoints.statistics_http import statistics_router
from invoicing.service.billing import BillingPolicy
from invoicing.service.detailed_bill_subscriptions import make_monthly_detailed_bills
from invoicing.service.detailed_bills import DetailedBillPolicy
from invoicing.service.overdue import mark_overdue
from invoicing.service.ports import DocumentRenderer, RatedUsage, Verdict
from invoicing.service.reminders import remind_due
from invoicing.service.runs import BillingRunner
from invoicing.settings import InvoicingSettings

__all__ = ["MIGRATIONS", "build_app"]

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
PUBLISHES = ["invoicing.balance.changed", "invoicing.invoice.issued", "invoicing.invoice.paid",
             "invoicing.invoice.overdue", "invoicing.invoice.reminded",
             "invoicing.detailed_bill.ready",
             "invoicing.charge.posted", "invoicing.monthly_detailed_bill.ready"]


class _PdfEngine:
    """The document engine, made when first used: it prepares credentials and worker processes."""

    def __init__(self, settings: InvoicingSettings) -> None:
        self._settings = settings
        self._renderer: PdfRenderer | None = None

    async def render(self, statements: Sequence[Statement]) -> list[bytes]:
        return await (await self._engine()).render(statements)

    async def render_print_batch(self, statements: Sequence[Statement], title: str) -> bytes:
        return await (await self._engine()).render_print_batch(statements, title)

    async def check(self) -> None:
        """Stop the service at start if the signing credentials cannot be used."""
        await asyncio.to_thread(check_credentials, self._settings)

    async def _engine(self) -> PdfRenderer:
        if self._renderer is None:
            self._renderer = await asyncio.to_thread(build_renderer, self._settings)
        return self._renderer

    async def close(self) -> None:
        if self._renderer is not None:
            await self._renderer.close()


class _Verifier:
    """The verifier of this operator's documents, made when first used."""

    def __init__(self, settings: InvoicingSettings) -> None:
        self._settings = settings
        self._verifier: PdfVerifier | None = None

    async def verify(self, pdf: bytes) -> Verdict:
        if self._verifier is None:
            self._verifier = await asyncio.to_thread(build_verifier, self._settings)
        return await self._verifier.verify(pdf)


async def _nothing() -> None:
    """Renderers handed in by tests are checked and closed by their owner."""


def _documents(settings: InvoicingSettings, given: DocumentRenderer | None) -> tuple[
    DocumentRenderer, Callable[[], Awaitable[None]], Callable[[], Awaitable[None]]
]:
    """The renderer, how to close it and how to check it at start."""
    if given is not None:
        return given, _nothing, _nothing
    engine = _PdfEngine(settings)
    return engine, engine.close, engine.check


def _detailed_policy(settings: InvoicingSettings) -> DetailedBillPolicy:
    return DetailedBillPolicy(settings.detailed_bill_window_months,
                              dict(settings.detailed_bill_fees), settings.detailed_bill_vat_rate,
                              settings.detailed_bill_free_online,
                              dict(settings.detailed_bill_monthly_fees))


def _rated_usage(settings: InvoicingSettings, runtime: Runtime) -> RatedUsage | None:
    """Rating's records for detailed bills, when rating's address is set."""
    if not settings.rating_url:
        return None
    client = httpx.AsyncClient(base_url=settings.rating_url, timeout=settings.rating_timeout)
    runtime.on_stop.append(client.aclose)
    credentials = ClientCredentials(settings.accounts_url, settings.client_id,
                                    settings.client_secret.get_secret_value())
    return HttpRatedUsage(client, credentials.token)


def _monthly_job(settings: InvoicingSettings, runtime: Runtime,
                 new_uow: Callable[[], InvoicingUnitOfWork], runner: BillingRunner,
                 policy: DetailedBillPolicy) -> Scheduler:
    """Each day's look for monthly detailed bills due; the documents follow in the background."""

    async def monthly(_now: datetime | None = None) -> None:
        await make_monthly_detailed_bills(new_uow, policy)
        runner.documents_soon()  # also retries bills whose records rating could not give

    runtime.on_clock_move.append(monthly)
    return Scheduler("invoicing-monthly-detailed-bills", monthly,
                     interval=settings.detailed_bill_interval)


def build_app(settings: InvoicingSettings, renderer: DocumentRenderer | None = None) -> FastAPI:
    """The service; ``renderer`` replaces the PDF engine (tests)."""
    runtime = build_runtime(settings)

    def new_uow() -> InvoicingUnitOfWork:
        return InvoicingUnitOfWork(runtime.sessions, service="invoicing", clock=runtime.clock,
                                   on_commit=runtime.relay.wake)

    documents, close_documents, check_documents = _documents(settings, renderer)
    detailed = _detailed_policy(settings)
    billing = BillingPolicy(settings.series, settings.due_day)
    runner = BillingRunner(new_uow, documents, billing,
                           settings.render_batch, detailed, chunk=settings.statement_chunk,
                           lanes=settings.statement_lanes, board=PrometheusProgress(),
                           rated=_rated_usage(settings, runtime))
    monthly = _monthly_job(settings, runtime, new_uow, runner, detailed)

    async def overdue(now: datetime) -> None:
        await mark_overdue(new_uow, now.date())
        await remind_due(new_uow, now.date(), settings.reminder_days)

    scheduler = Scheduler("invoicing-overdue", lambda: overdue(runtime.clock.now()),
                          interval=settings.overdue_interval)

    async def start() -> None:
        await check_documents()
        await runner.resume()
        await scheduler.start()
        await monthly.start()

    async def stop() -> None:
        await monthly.stop()
        await scheduler.stop()
        await runner.close()
        await close_documents()

    runtime.on_start.append(start)
    runtime.on_stop.append(stop)
    runtime.on_clock_move.append(overdue)
    register_consumers(runtime, new_uow)
    register_billing_schedule(runtime, new_uow, runner, settings.billing_schedule(),
                              settings.billing_schedule_interval)
    register_closing(runtime, new_uow, billing, runner)
    runtime.publishes(PUBLISHES)
    routers = [runs_list_router(new_uow), invoicing_router(new_uow, runner),
               corrections_router(new_uow, runner, settings.credit_series, detailed),
               detailed_bill_router(new_uow),
               documents_router(new_uow, _Verifier(settings), settings.verify_max_bytes),
               statistics_router(new_uow),
               one_off_router(new_uow),
               audit_router(new_uow, tag="invoicing")]
    return create_app(runtime, title="Tarifa invoicing", routers=routers,
                      description="Invoicing: the ledger, balances, billing runs, invoices, "
                                  "credit notes, detailed bills, e-bills and their verification.")
