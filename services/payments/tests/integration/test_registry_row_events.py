"""A registry file reconciled is announced as ``payments.registry.imported`` with its counts; a
registry row an operator rejects is announced once (real PostgreSQL and RabbitMQ):
``payments.registry_row.returned`` when the channel gives the money back to its payer,
``payments.registry_row.closed`` when nothing is paid or returned, with the row, its amount
(absent when the row's is none), the registry's sender, the operator and the account the row
names when the replica knows one; the same decision sent again announces nothing."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from typing import Any

import httpx
from payments.settings import PaymentsSettings
from tarifa.auth import Role
from tarifa.testing.apps import bearer
from tarifa.testing.events import EventTap, tap_events
from tarifa.tokens import TokenSigner

from .world import open_account

RETURNED, CLOSED = "payments.registry_row.returned", "payments.registry_row.closed"
IMPORTED = "payments.registry.imported"
HEADER = "reference,account_or_msisdn,amount,currency,paid_at"


async def _upload(client: httpx.AsyncClient, secret: TokenSigner, rows: list[str]) -> str:
    response = await client.post("/v1/payment-registries", content="\n".join([HEADER, *rows]).encode(),
                                 headers=bearer(secret, Role.PARTNER) | {"Content-Type": "text/csv"})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _reject(client: httpx.AsyncClient, secret: TokenSigner, registry_id: str, row: int,
                  outcome: str, reason: str) -> httpx.Response:
    response = await client.post(f"/v1/payment-registries/{registry_id}/rows/{row}/rejection",
                                 json={"outcome": outcome, "reason": reason}, headers=bearer(secret))
    assert response.status_code == 200, response.text
    return response


def _seen(tap: EventTap, registry_id: str) -> list[tuple[str, dict[str, Any]]]:
    found = [(e.routing_key, dict(e.data), e.subject) for e in tap.events
             if e.data.get("registry_id") == registry_id and e.routing_key != IMPORTED]
    for _key, data, subject in found:
        assert datetime.fromisoformat(data.pop("resolved_at")).tzinfo is not None
        assert subject == data["account_id"]
    return sorted(((key, data) for key, data, _subject in found), key=lambda item: item[1]["row"])


async def test_rejected_rows_are_announced_once_with_what_an_integrator_needs(
    client: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    account = await open_account(client, settings.amqp_url, token_signer, currency="MDL")
    tag = uuid.uuid4().hex[:8]
    async with tap_events(settings.amqp_url, [RETURNED, CLOSED, IMPORTED]) as tap:
        registry_id = await _upload(client, token_signer, [
            f"{tag}-1,nobody,15.50,MDL,", f"{tag}-2,{account},20.00,EUR,",
            f"{tag}-3,nobody,abc,MDL,", f"{tag}-4,{account},3.00,MDL,"])
        [imported] = await tap.wait_for(IMPORTED, registry_id=registry_id)
        first = await _reject(client, token_signer, registry_id, 1, "return", "payer unknown")
        again = await _reject(client, token_signer, registry_id, 1, "return", "payer unknown")
        await _reject(client, token_signer, registry_id, 2, "return", "wrong currency")
        await _reject(client, token_signer, registry_id, 3, "close", "test row")
        await tap.wait_for(CLOSED, registry_id=registry_id)
        await tap.wait_for(RETURNED, count=2, registry_id=registry_id)
        await asyncio.sleep(1.0)  # time for a second announcement of row 1, if any
    assert again.json() == first.json()
    assert datetime.fromisoformat(imported.data.pop("imported_at")).tzinfo is not None
    assert imported.data == {"registry_id": registry_id, "submitted_by": "partner:test-partner",
                             "rows": 4, "matched": 1, "duplicates": 0, "unmatched": 3}
    common = {"registry_id": registry_id, "channel": "registry", "sender": "partner:test-partner",
              "resolved_by": "operator:test-operator"}
    assert _seen(tap, registry_id) == [
        (RETURNED, common | {"row": 1, "reference": f"{tag}-1", "amount": "15.50",
                             "amount_given": "15.50", "currency": "MDL",
                             "problem": "unknown_account", "reason": "payer unknown",
                             "account_id": None}),
        (RETURNED, common | {"row": 2, "reference": f"{tag}-2", "amount": "20.00",
                             "amount_given": "20.00", "currency": "EUR",
                             "problem": "currency_mismatch", "reason": "wrong currency",
                             "account_id": account}),
        (CLOSED, common | {"row": 3, "reference": f"{tag}-3", "amount": None,
                           "amount_given": "abc", "currency": "MDL",
                           "problem": "invalid_amount", "reason": "test row",
                           "account_id": None}),
    ]
