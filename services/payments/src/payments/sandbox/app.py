"""The sandbox gateway's app: merchant API, hosted pages, webhook delivery."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from tarifa.problems import install_problem_handlers

from payments.sandbox.api import api_router
from payments.sandbox.pages import pages_router
from payments.sandbox.settings import GatewaySettings
from payments.sandbox.store import SessionStore
from payments.sandbox.webhooks import WebhookSender

__all__ = ["build_gateway_app"]


def build_gateway_app(settings: GatewaySettings) -> FastAPI:
    client = httpx.AsyncClient()
    store, sender = SessionStore(), WebhookSender(settings, client)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await sender.close()
        await client.aclose()

    app = FastAPI(title="Tarifa sandbox card gateway", version="0.1.0", lifespan=lifespan)
    install_problem_handlers(app)

    @app.get("/health/live", include_in_schema=False)
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    secret = settings.webhook_secret.get_secret_value()
    app.include_router(api_router(store, sender, settings.public_url, secret,
                                  settings.charge_delay))
    app.include_router(pages_router(store, sender))
    return app
