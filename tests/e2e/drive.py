"""Driving the suite from outside: tokens, clocks, customers with a line, polling for effects."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from .processes import SERVICES, Suite

__all__ = ["Subscriber", "eventually", "move_clocks", "open_account", "pdf_text", "token"]


async def eventually(
    probe: Callable[[], Awaitable[httpx.Response]],
    done: Callable[[httpx.Response], bool],
    timeout: float = 30,
) -> httpx.Response:
    """Events travel between services; poll an API until it shows their effect."""
    for _ in range(int(timeout * 5)):
        response = await probe()
        if done(response):
            return response
        await asyncio.sleep(0.2)
    raise AssertionError(f"not reached: {response.status_code} {response.text}")


async def move_clocks(http: httpx.AsyncClient, suite: Suite, now: str) -> None:
    for service in SERVICES:
        response = await http.put(f"{suite.url(service)}/v1/test/clock?wait=true", json={"now": now})
        assert response.status_code == 200, (service, response.text)


async def token(http: httpx.AsyncClient, suite: Suite, client: str) -> dict[str, str]:
    response = await http.post(
        f"{suite.url('accounts')}/v1/auth/token",
        data={"grant_type": "client_credentials", "client_id": client,
              "client_secret": f"{client}-secret"},
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@dataclass(frozen=True, slots=True)
class Subscriber:
    """A customer's account and its one line."""

    msisdn: str
    plan_code: str
    payment_mode: str = "postpaid"
    connected_at: str = "2026-05-01T00:00:00+00:00"
    timezone: str = "Europe/Chisinau"
    email: str = "ion@example.md"
    top_up: str | None = None
    """Cash paid in before the line is added (a prepaid line needs a balance)."""


async def _customer(http: httpx.AsyncClient, suite: Suite, op: dict[str, str],
                    who: Subscriber) -> str:
    customer = await http.post(f"{suite.url('accounts')}/v1/customers", headers=op, json={
        "kind": "person", "name": "Ion Popescu", "email": who.email, "phone": f"+{who.msisdn}",
        "language": "ro", "address": "str. Ștefan cel Mare 1, Chișinău"})
    assert customer.status_code == 201, customer.text
    customer_id: str = customer.json()["id"]
    return customer_id


async def _top_up(http: httpx.AsyncClient, suite: Suite, account_id: str, amount: str) -> None:
    partner = await token(http, suite, "partner")
    await eventually(lambda: http.post(  # payments learns of the account through an event
        f"{suite.url('payments')}/v1/payments/offline", headers=partner, json={
            "account_id": account_id, "amount": amount, "currency": "MDL", "channel": "cash",
            "reference": f"TOP-UP-{account_id[:8]}"}), lambda r: r.status_code == 201)


async def open_account(http: httpx.AsyncClient, suite: Suite, op: dict[str, str],
                       who: Subscriber) -> str:
    """Customer, account and line through accounts; returns once rating knows the line."""
    accounts = suite.url("accounts")
    account = await http.post(f"{accounts}/v1/accounts", headers=op, json={
        "customer_id": await _customer(http, suite, op, who), "payment_mode": who.payment_mode,
        "currency": "MDL", "timezone": who.timezone,
        "bill_delivery": {"medium": "ebill", "email": who.email}})
    assert account.status_code == 201, account.text
    account_id: str = account.json()["id"]
    if who.top_up:
        await _top_up(http, suite, account_id, who.top_up)
    await eventually(
        lambda: http.post(f"{accounts}/v1/accounts/{account_id}/lines", headers=op, json={
            "msisdn": who.msisdn, "plan_code": who.plan_code, "connected_at": who.connected_at}),
        lambda r: r.status_code == 201)
    await eventually(
        lambda: http.get(f"{suite.url('rating')}/v1/lines/{who.msisdn}/allowances", headers=op),
        lambda r: r.status_code == 200)
    return account_id


async def pdf_text(content: bytes) -> str:
    """The text of a PDF, as poppler's ``pdftotext`` reads it."""
    done = await asyncio.to_thread(subprocess.run, ["pdftotext", "-", "-"], input=content,
                                   capture_output=True, check=True)
    return done.stdout.decode()
