"""The demo's month driven over the services' HTTP APIs: accounts, usage, the billing run."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
from demo_stack import DemoStack
from demo_world import PLANS, Subscriber, usage
from rich.progress import Progress

__all__ = ["Demo", "Opened", "eventually"]

T = TypeVar("T")
Headers = dict[str, str]


async def eventually(probe: Callable[[], Awaitable[httpx.Response]],
                     done: Callable[[httpx.Response], bool], timeout: float = 60) -> httpx.Response:
    """Events travel between services: ask again until the answer shows their effect."""
    deadline = time.monotonic() + timeout
    while True:
        response = await probe()
        if done(response):
            return response
        if time.monotonic() > deadline:
            raise RuntimeError(f"{response.request.url}: {response.status_code} {response.text}")
        await asyncio.sleep(0.2)


@dataclass(frozen=True, slots=True)
class Opened:
    who: Subscriber
    account_id: str


@dataclass
class Demo:
    stack: DemoStack
    http: httpx.AsyncClient
    progress: Progress
    tokens: dict[str, Headers] = field(default_factory=dict)
    payments: list[dict[str, Any]] = field(default_factory=list)
    """Every payment made: top-ups, the card payment, cash for bills."""
    people: list[Opened] = field(default_factory=list)

    def url(self, service: str, path: str) -> str:
        return f"{self.stack.url(service)}{path}"

    async def login(self, client: str) -> Headers:
        answer = await self.http.post(self.url("accounts", "/v1/auth/token"), data={
            "grant_type": "client_credentials", "client_id": client,
            "client_secret": f"{client}-secret"})
        answer.raise_for_status()
        self.tokens[client] = {"Authorization": f"Bearer {answer.json()['access_token']}"}
        return self.tokens[client]

    async def call(self, method: str, service: str, path: str, as_: str = "operator",
                   expect: Iterable[int] = (200, 201, 202), headers: Headers | None = None,
                   **options: Any) -> Any:
        answer = await self.http.request(method, self.url(service, path),
                                         headers=self.tokens[as_] | (headers or {}), **options)
        if answer.status_code not in tuple(expect):
            raise RuntimeError(f"{method} {path}: {answer.status_code} {answer.text}")
        return answer.json() if answer.headers.get("content-type", "").endswith("json") else answer

    async def plans(self) -> None:
        for code, plan in PLANS.items():
            await self.call("PUT", "rating", f"/v1/plans/{code}", json=plan)

    async def open_all(self, people: list[Subscriber], parallel: int = 8) -> list[Opened]:
        task = self.progress.add_task("customers, accounts, lines", total=len(people))
        gate = asyncio.Semaphore(parallel)

        async def one(who: Subscriber) -> Opened:
            async with gate:
                opened = await self.open(who)
            self.progress.advance(task)
            return opened
        return list(await asyncio.gather(*(one(who) for who in people)))

    async def open(self, who: Subscriber) -> Opened:
        """Customer and account; a prepaid one topped up; the line, once rating knows the plan."""
        customer = await self.call("POST", "accounts", "/v1/customers", json={
            "kind": "person", "name": who.name, "email": who.email, "phone": f"+{who.msisdn}",
            "language": who.language, "address": who.address})
        account = await self.call("POST", "accounts", "/v1/accounts", json={
            "customer_id": customer["id"], "payment_mode": who.payment_mode, "currency": "MDL",
            "timezone": "Europe/Chisinau", "bill_delivery": _delivery(who)})
        if who.payment_mode == "prepaid":
            await self.cash(account["id"], "100.00", f"TOPUP-{who.index:03d}")
        await self._line(who, account["id"])
        return Opened(who, account["id"])

    async def _line(self, who: Subscriber, account_id: str) -> None:
        operator = self.tokens["operator"]
        await eventually(lambda: self.http.post(
            self.url("accounts", f"/v1/accounts/{account_id}/lines"), headers=operator,
            json={"msisdn": who.msisdn, "plan_code": who.plan_code,
                  "connected_at": "2026-05-01T00:00:00+00:00"}), lambda r: r.status_code == 201)
        await eventually(lambda: self.http.get(
            self.url("rating", f"/v1/lines/{who.msisdn}/allowances"), headers=operator),
            lambda r: r.status_code == 200)

    async def cash(self, account_id: str, amount: str, reference: str) -> dict[str, Any]:
        """Cash at a partner's desk (payments may learn of a new account a moment later)."""
        answer = await eventually(lambda: self.http.post(
            self.url("payments", "/v1/payments/offline"), headers=self.tokens["partner"] | {
                "Idempotency-Key": reference}, json={
                "account_id": account_id, "amount": amount, "currency": "MDL", "channel": "cash",
                "reference": reference}), lambda r: r.status_code == 201)
        paid: dict[str, Any] = answer.json()
        self.payments.append(paid)
        return paid

    async def send_usage(self, people: list[Opened], batch: int = 2000) -> dict[str, int]:
        records = [r for o in people for r in usage(o.who)]
        task = self.progress.add_task("usage records", total=len(records))
        totals = {"accepted": 0, "duplicates": 0, "parked": 0, "rejected": 0}
        for start in range(0, len(records), batch):
            chunk = records[start:start + batch]
            result = await self.call("POST", "rating", "/v1/usage", json={"records": chunk})
            for key in totals:
                totals[key] += len(result[key]) if key == "rejected" else int(result[key])
            self.progress.advance(task, len(chunk))
        return totals

    async def bill(self, period_end: str) -> dict[str, Any]:
        started = await self.call("POST", "invoicing", "/v1/billing-runs", json={"period_end": period_end})
        task = self.progress.add_task("billing run", total=None)
        while True:
            run: dict[str, Any] = await self.call("GET", "invoicing", f"/v1/billing-runs/{started['id']}")
            stages = run["stages"]
            self.progress.update(task, total=run["accounts"] or None,
                                 completed=stages["issued"] + run["skipped"] + stages["failed"])
            if run["status"] in ("completed", "failed"):
                return run
            await asyncio.sleep(0.5)


def _delivery(who: Subscriber) -> dict[str, Any]:
    if who.medium == "paper":
        return {"medium": "paper", "address": who.address}
    return {"medium": "ebill", "email": who.email} | ({"sms": f"+{who.msisdn}"} if who.sms_notice else {})
