"""One offline payment is one trace: the request in payments, and the consumers it sets off in
invoicing (the ledger), accounts (the balance replica) and notifications (the notices)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import httpx
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from tarifa.auth import Role
from tarifa.testing.apps import bearer
from tarifa.testing.keys import TEST_SIGNER
from tarifa.tracing import SERVICE_ATTRIBUTE

from .conftest import Clients

OPERATOR = bearer(TEST_SIGNER, Role.OPERATOR)
WANTED = {("payments", "POST /v1/payments/offline"),
          ("invoicing", "invoicing.payment-succeeded process"),
          ("accounts", "accounts.balance-changed process"),
          ("notifications", "notifications.payment-succeeded process")}


async def _account(accounts: httpx.AsyncClient) -> str:
    customer = await accounts.post("/v1/customers", headers=OPERATOR, json={
        "kind": "person", "name": "Ion Popescu", "email": "ion@example.md",
        "phone": "+37369000111", "language": "ro", "address": "str. Independenței 2"})
    account = await accounts.post("/v1/accounts", headers=OPERATOR, json={
        "customer_id": customer.json()["id"], "payment_mode": "prepaid", "currency": "MDL",
        "timezone": "Europe/Chisinau", "bill_delivery": {"medium": "ebill",
                                                          "email": "ion@example.md"}})
    assert account.status_code == 201, account.text
    return str(account.json()["id"])


async def _pay(payments: httpx.AsyncClient, account_id: str) -> None:
    body = {"account_id": account_id, "amount": "50.00", "currency": "MDL", "channel": "cash",
            "reference": "TRACE-1"}
    for _ in range(150):  # payments learns of the account through an event
        paid = await payments.post("/v1/payments/offline", json=body,
                                   headers=bearer(TEST_SIGNER, Role.PARTNER))
        if paid.status_code == 201:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the payment was refused: {paid.text}")


def _trace_of_payment(spans: Sequence[ReadableSpan]) -> int:
    found = [s for s in spans if s.name == "POST /v1/payments/offline"
                 and s.kind is SpanKind.SERVER and s.attributes
                 and s.attributes.get("http.response.status_code") == 201]
    [request] = found
    assert request.context is not None
    return request.context.trace_id


async def _spans_until_seen(exporter: InMemorySpanExporter) -> list[tuple[str, str]]:
    for _ in range(150):
        spans = exporter.get_finished_spans()
        trace_id = _trace_of_payment(spans)
        seen = [(str((s.attributes or {}).get(SERVICE_ATTRIBUTE)), s.name) for s in spans
                if s.context is not None and s.context.trace_id == trace_id]
        if set(seen) >= WANTED:
            return seen
        await asyncio.sleep(0.1)
    return seen


async def test_a_payment_is_one_trace_across_four_services(
    services: Clients, spans: InMemorySpanExporter
) -> None:
    account_id = await _account(services["accounts"])
    await _pay(services["payments"], account_id)
    seen = await _spans_until_seen(spans)
    assert set(seen) >= WANTED, seen
    assert {service for service, _ in seen} == {"payments", "invoicing", "accounts",
                                                "notifications"}
