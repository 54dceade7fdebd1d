"""The adapter of the sandbox card gateway (``payments.sandbox``), over its HTTP API.

Webhooks carry ``Sandbox-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>." + body>``
made with the shared secret; notifications older than the tolerance are refused as replays
of a captured request, and a repeated notification id is applied once by the use case.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import httpx

from payments.domain.autopay_charge import ChargeOutcome
from payments.domain.gateway import (
    GatewayNotification,
    GatewayOutcome,
    GatewaySession,
    OutcomeKind,
    OutcomeStatus,
)
from payments.service.ports import GatewayError, InvalidSignature

__all__ = ["SandboxGateway"]

SIGNATURE_HEADER = "sandbox-signature"
_REFUSALS = {400, 402, 404, 409, 422}
"""Answers to a charge that say it was refused outright, not that its fate is unknown."""


class SandboxGateway:
    name = "sandbox"

    def __init__(self, client: httpx.AsyncClient, *, base_url: str, secret: str, notify_url: str,
                 tolerance: int) -> None:
        self._client, self._base = client, base_url.rstrip("/")
        self._secret, self._notify_url, self._tolerance = secret, notify_url, tolerance

    async def start_payment(self, order_id: str, amount: Decimal, currency: str,
                            return_url: str) -> GatewaySession:
        return await self._open({"kind": "payment", "order_id": order_id, "amount": str(amount),
                                 "currency": currency, "return_url": return_url})

    async def start_registration(self, order_id: str, return_url: str) -> GatewaySession:
        return await self._open({"kind": "setup", "order_id": order_id, "return_url": return_url})

    async def status(self, ref: str) -> GatewayOutcome:
        return _outcome(await self._call("GET", f"/v1/sessions/{ref}"))

    async def refund(self, ref: str, refund_id: str, amount: Decimal) -> str:
        answer = await self._call("POST", f"/v1/sessions/{ref}/refunds",
                                  {"refund_id": refund_id, "amount": str(amount)})
        return str(answer["id"])

    async def charge(self, order_id: str, token: str, amount: Decimal,
                     currency: str) -> ChargeOutcome:
        response = await self._send("POST", "/v1/charges", {
            "order_id": order_id, "token": token, "amount": str(amount), "currency": currency})
        if response.status_code in _REFUSALS:
            return ChargeOutcome(status="failed", reason="refused_by_gateway")
        return _charge(_answer(response))

    async def charge_status(self, order_id: str) -> ChargeOutcome | None:
        response = await self._send("GET", f"/v1/charges/{order_id}")
        if response.status_code == 404:
            return None
        return _charge(_answer(response))

    def verify(self, body: bytes, headers: Mapping[str, str]) -> GatewayNotification:
        self._check_signature(body, headers.get(SIGNATURE_HEADER, ""))
        try:
            document = json.loads(body)
            return GatewayNotification(event_id=str(document["id"])[:200],
                                       outcome=_outcome(document["data"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidSignature("the notification is not one the gateway sends") from exc

    def _check_signature(self, body: bytes, header: str) -> None:
        parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
        timestamp, given = parts.get("t", ""), parts.get("v1", "")
        expected = hmac.new(self._secret.encode(), f"{timestamp}.".encode() + body,
                            hashlib.sha256).hexdigest()
        if not timestamp.isdigit() or not hmac.compare_digest(expected, given):
            raise InvalidSignature("the notification's signature does not verify")
        if abs(time.time() - int(timestamp)) > self._tolerance:
            raise InvalidSignature("the notification's signature is too old")

    async def _open(self, body: dict[str, Any]) -> GatewaySession:
        answer = await self._call("POST", "/v1/sessions", body | {"notify_url": self._notify_url})
        return GatewaySession(ref=str(answer["id"]), redirect_url=str(answer["redirect_url"]))

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return _answer(await self._send(method, path, body))

    async def _send(self, method: str, path: str,
                    body: dict[str, Any] | None = None) -> httpx.Response:
        try:
            return await self._client.request(
                method, self._base + path, json=body,
                headers={"Authorization": f"Bearer {self._secret}"})
        except httpx.HTTPError as exc:
            raise GatewayError(f"the sandbox gateway is unreachable: {exc!r}") from exc


def _answer(response: httpx.Response) -> Any:
    if not response.is_success:
        raise GatewayError(f"the sandbox gateway answered {response.status_code}: {response.text[:300]}")
    return response.json()


def _charge(data: dict[str, Any]) -> ChargeOutcome:
    return ChargeOutcome(status=str(data["status"]), ref=str(data["id"]), reason=data.get("reason"))


def _outcome(data: dict[str, Any]) -> GatewayOutcome:
    amount = data.get("amount")
    return GatewayOutcome(
        ref=str(data["id"]), kind=OutcomeKind(data["kind"]), order_id=str(data["order_id"]),
        status=OutcomeStatus(data["status"]), amount=Decimal(amount) if amount else None,
        currency=data.get("currency"), reason=data.get("reason"), token=data.get("token"),
        card_last4=data.get("card_last4"))
