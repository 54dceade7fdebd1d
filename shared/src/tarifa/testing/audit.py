"""Reading a running service's audit trail in tests, through its ``GET /v1/audit`` route."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tarifa.auth import Role
from tarifa.testing.apps import bearer
from tarifa.testing.keys import TEST_SIGNER

__all__ = ["audit_rows", "correlated"]


def correlated() -> tuple[str, dict[str, str]]:
    """A fresh correlation id and the header that sends it."""
    correlation_id = f"audit-test-{uuid.uuid4().hex[:12]}"
    return correlation_id, {"X-Correlation-ID": correlation_id}


async def audit_rows(client: httpx.AsyncClient, target_type: str,
                     target_id: str | None = None) -> list[dict[str, Any]]:
    """The rows about a target (every row of ``target_type`` without an id), oldest first."""
    params = {"target_type": target_type, "limit": "500"}
    if target_id is not None:
        params["target_id"] = target_id
    response = await client.get("/v1/audit", params=params,
                                headers=bearer(TEST_SIGNER, Role.OPERATOR))
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["total"] == len(page["items"])
    return list(reversed(page["items"]))
