"""A short billing cycle on the fault suite's services, for the events it makes them publish.

Two accounts rate a batch, the clocks move past the month's end, a billing run issues the
invoices (and e-bills go out), and one account pays its invoice offline.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import httpx

from ..e2e.processes import SERVICES
from .customers import balances
from .stage import Stage
from .workload import eventually, operator

__all__ = ["bill_and_pay"]


def _month_end(today: date) -> date:
    return (today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


async def _move_clocks(http: httpx.AsyncClient, stage: Stage, now: datetime) -> None:
    for service in SERVICES:
        response = await http.put(f"{stage.suite.url(service)}/v1/test/clock?wait=true",
                                  json={"now": now.isoformat()})
        assert response.status_code == 200, (service, response.text)


async def _billing_run(http: httpx.AsyncClient, stage: Stage, op: dict[str, str]) -> None:
    period_end = _month_end(datetime.now(UTC).date())
    await _move_clocks(http, stage, datetime.combine(period_end + timedelta(days=1),
                                                     datetime.min.time(), UTC) + timedelta(hours=6))
    invoicing = stage.suite.url("invoicing")
    run = await http.post(f"{invoicing}/v1/billing-runs", headers=op,
                          json={"period_end": period_end.isoformat()})
    assert run.status_code == 202, run.text

    async def completed() -> bool:
        found = await http.get(f"{invoicing}/v1/billing-runs/{run.json()['id']}", headers=op)
        return bool(found.json().get("status") == "completed")

    await eventually(completed, 180, "the billing run completed")


async def _pay(http: httpx.AsyncClient, stage: Stage, account_id: str, amount: Decimal) -> None:
    token = await http.post(
        f"{stage.suite.url('accounts')}/v1/auth/token",
        data={"grant_type": "client_credentials", "client_id": "partner",
              "client_secret": "partner-secret"})
    assert token.status_code == 200, token.text
    paid = await http.post(
        f"{stage.suite.url('payments')}/v1/payments/offline",
        headers={"Authorization": f"Bearer {token.json()['access_token']}",
                 "Idempotency-Key": f"faults-{time.time_ns()}"},
        json={"account_id": account_id, "amount": str(amount), "currency": "MDL",
              "channel": "cash", "reference": "FAULTS-1"})
    assert paid.status_code == 201, paid.text


async def bill_and_pay(stage: Stage, accounts: dict[str, str]) -> None:
    """Bill every account of the suite, then pay the first of ``accounts`` in full."""
    async with httpx.AsyncClient(timeout=30) as http:
        op = await operator(http, stage.suite)
        await _billing_run(http, stage, op)
        msisdn, account_id = next(iter(accounts.items()))
        owed = -(await balances(http, stage.suite, op, {msisdn: account_id}))[msisdn]
        await _pay(http, stage, account_id, owed)

        async def settled() -> bool:
            found = await balances(http, stage.suite, op, {msisdn: account_id})
            return found[msisdn] == 0

        await eventually(settled, 60, "the payment reached the balance")
