"""Customers, accounts and lines of a scenario, opened through the accounts API.

Each line is opened only once rating knows the plan, and the scenario starts only once rating
knows every line and invoicing every account, so that the faults hit the usage alone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import asyncpg
import httpx

from ..e2e.processes import Suite
from .workload import PLAN_CODE, Workload, eventually

__all__ = ["balances", "open_accounts"]


async def _customer(http: httpx.AsyncClient, suite: Suite, op: dict[str, str], n: int) -> str:
    response = await http.post(f"{suite.url('accounts')}/v1/customers", headers=op, json={
        "kind": "person", "name": f"Client {n}", "email": f"client{n}@example.md",
        "phone": "+37369000001", "language": "ro", "address": "str. Ștefan cel Mare 1, Chișinău"})
    assert response.status_code == 201, response.text
    customer_id: str = response.json()["id"]
    return customer_id


async def _account(http: httpx.AsyncClient, suite: Suite, op: dict[str, str], n: int) -> str:
    response = await http.post(f"{suite.url('accounts')}/v1/accounts", headers=op, json={
        "customer_id": await _customer(http, suite, op, n), "payment_mode": "postpaid",
        "currency": "MDL", "timezone": "Europe/Chisinau",
        "bill_delivery": {"medium": "ebill", "email": f"client{n}@example.md"}})
    assert response.status_code == 201, response.text
    account_id: str = response.json()["id"]
    return account_id


async def _line(http: httpx.AsyncClient, suite: Suite, op: dict[str, str], account_id: str,
                msisdn: str) -> None:
    connected = (datetime.now(UTC) - timedelta(days=3)).replace(microsecond=0).isoformat()
    url = f"{suite.url('accounts')}/v1/accounts/{account_id}/lines"
    body = {"msisdn": msisdn, "plan_code": PLAN_CODE, "connected_at": connected}

    async def opened() -> bool:
        response = await http.post(url, headers=op, json=body)
        assert response.status_code in (201, 409, 422), response.text
        return response.status_code == 201

    await eventually(opened, 60, f"line {msisdn} opened")


async def open_accounts(http: httpx.AsyncClient, suite: Suite, op: dict[str, str],
                        work: Workload, rating_db: asyncpg.Connection) -> dict[str, str]:
    """One account per line of ``work``; return msisdn → account id once all are known."""
    accounts: dict[str, str] = {}
    for n in range(work.lines):
        msisdn = work.msisdn(n)
        accounts[msisdn] = await _account(http, suite, op, n)
        await _line(http, suite, op, accounts[msisdn], msisdn)

    async def rating_knows() -> bool:
        known = await rating_db.fetchval("SELECT count(*) FROM lines WHERE msisdn = ANY($1)",
                                         list(accounts))
        return bool(known == len(accounts))

    await eventually(rating_knows, 60, "rating knows every line")
    await eventually(lambda: _invoicing_knows(http, suite, op, accounts), 60,
                     "invoicing knows every account")
    return accounts


async def _invoicing_knows(http: httpx.AsyncClient, suite: Suite, op: dict[str, str],
                           accounts: dict[str, str]) -> bool:
    for account_id in accounts.values():
        url = f"{suite.url('invoicing')}/v1/accounts/{account_id}/balance"
        if (await http.get(url, headers=op)).status_code != 200:
            return False
    return True


async def balances(http: httpx.AsyncClient, suite: Suite, op: dict[str, str],
                   accounts: dict[str, str]) -> dict[str, Decimal]:
    """Each line's account balance as invoicing reports it."""
    found: dict[str, Decimal] = {}
    for msisdn, account_id in accounts.items():
        response = await http.get(f"{suite.url('invoicing')}/v1/accounts/{account_id}/balance",
                                  headers=op)
        assert response.status_code == 200, response.text
        found[msisdn] = Decimal(response.json()["balance"])
    return found
