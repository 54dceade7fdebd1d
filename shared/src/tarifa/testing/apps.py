"""Run a service's app in-process for a test and talk to it over HTTP (ASGI transport)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from tarifa.auth import Principal, Role
from tarifa.tokens import TokenSigner

__all__ = ["bearer", "running_client"]


@asynccontextmanager
async def running_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Start the app's lifespan (broker, relay) and yield a client bound to it."""
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=30) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


def bearer(signer: TokenSigner, role: Role = Role.OPERATOR,
           account_id: str | None = None) -> dict[str, str]:
    """An ``Authorization`` header for ``role`` signed with the test key."""
    token = signer.issue(Principal(f"test-{role}", role, account_id))
    return {"Authorization": f"Bearer {token}"}
