"""Driving the replicas through the contract only: every call goes to one replica or the
other in turn, usage goes in over AMQP, and the clocks of all ten processes move at once."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import httpx

from ..e2e.drive import Subscriber, eventually, open_account, token
from ..faults.workload import publish
from .month import LINES, PLAN, PLAN_CODE, batches, msisdn
from .replicas import Replicas

__all__ = ["balance", "bill", "open_lines", "pay_twice", "rate_usage"]

Headers = dict[str, str]


async def open_lines(http: httpx.AsyncClient, replicas: Replicas, op: Headers) -> list[str]:
    """The plan through replica 1, then each account and line through replica ``n % 2``."""
    plan = await http.put(f"{replicas.url('rating', 1)}/v1/plans/{PLAN_CODE}", headers=op, json=PLAN)
    assert plan.status_code == 201, plan.text
    return [await open_account(http, replicas.suites[n % 2], op, Subscriber(
        msisdn(n), PLAN_CODE, email=f"line{n}@example.md")) for n in range(LINES)]


async def balance(http: httpx.AsyncClient, replicas: Replicas, op: Headers, account_id: str,
                  turn: int = 0) -> Decimal | None:
    found = await http.get(f"{replicas.url('invoicing', turn)}/v1/accounts/{account_id}/balance",
                           headers=op)
    return Decimal(found.json()["balance"]) if found.status_code == 200 else None


async def balances_reach(http: httpx.AsyncClient, replicas: Replicas, op: Headers,
                         accounts: list[str], expected: Decimal, timeout: float = 120) -> None:
    for n, account_id in enumerate(accounts):
        await eventually(
            lambda a=account_id, t=n: http.get(  # type: ignore[misc]
                f"{replicas.url('invoicing', t)}/v1/accounts/{a}/balance", headers=op),
            lambda r: r.status_code == 200 and Decimal(r.json()["balance"]) == expected, timeout)


async def rate_usage(http: httpx.AsyncClient, replicas: Replicas, op: Headers, amqp_url: str,
                     accounts: list[str]) -> None:
    """Publish the month's usage to ``rating.usage.ingest``, which both ratings consume; wait
    until each May balance is the fee and the usage of one line (-83.40)."""
    await publish(amqp_url, batches())
    await balances_reach(http, replicas, op, accounts, Decimal("-83.40"))


async def _start_run(http: httpx.AsyncClient, replicas: Replicas, op: Headers,
                     turn: int) -> httpx.Response:
    return await http.post(f"{replicas.url('invoicing', turn)}/v1/billing-runs", headers=op,
                           json={"period_end": "2026-05-31"})


async def bill(http: httpx.AsyncClient, replicas: Replicas, op: Headers) -> list[dict[str, Any]]:
    """The same billing run asked of both replicas at once (two operators, or a retry sent to
    the other pod); wait until every run started is completed; return them."""
    answers = await asyncio.gather(*(_start_run(http, replicas, op, n) for n in range(2)))
    assert {a.status_code for a in answers} <= {202, 409}, [a.text for a in answers]
    started = [a.json() for a in answers if a.status_code == 202]
    assert started, [a.text for a in answers]
    runs = []
    for n, run in enumerate(started):
        done = await eventually(lambda r=run, t=n: http.get(  # type: ignore[misc]
            f"{replicas.url('invoicing', t + 1)}/v1/billing-runs/{r['id']}", headers=op),
            lambda r: r.json().get("status") in ("completed", "failed"), 180)
        runs.append(done.json())
    return runs


async def pay_twice(http: httpx.AsyncClient, replicas: Replicas, account_id: str,
                    amount: Decimal) -> list[httpx.Response]:
    """One cash payment whose request reaches both replicas (a client retrying on another
    pod): the same Idempotency-Key, at the same time. A replica that finds the key in flight
    on the other answers 409; asked again afterwards, it answers the first one's payment."""
    partner = await token(http, replicas.suites[0], "partner")
    body = {"account_id": account_id, "amount": str(amount), "currency": "MDL",
            "channel": "cash", "reference": "SCALEOUT-1"}

    async def send(n: int) -> httpx.Response:
        return await http.post(f"{replicas.url('payments', n)}/v1/payments/offline", json=body,
                               headers=partner | {"Idempotency-Key": "scaleout-cash-1"})

    answers = list(await asyncio.gather(*(send(n) for n in range(2))))
    in_flight = [n for n, a in enumerate(answers) if a.status_code == 409
                 and a.json().get("type", "").endswith("/idempotency-key-in-flight")]
    for n in in_flight:
        answers[n] = await send(n)
    return answers
