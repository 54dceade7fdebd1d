"""The sandbox adapter accepts exactly what the sandbox gateway signs."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from payments.adapters.gateways.sandbox import SandboxGateway
from payments.domain.gateway import OutcomeKind, OutcomeStatus
from payments.sandbox.signing import SIGNATURE_HEADER, sign
from payments.service.ports import InvalidSignature

SECRET = "unit-test-shared-secret-0123456789"
BODY = json.dumps({"id": "evt_1", "data": {
    "id": "sess_1", "kind": "payment", "order_id": "p1", "status": "succeeded", "amount": "10.00",
    "currency": "RON"}}).encode()


@pytest_asyncio.fixture
async def gateway() -> AsyncIterator[SandboxGateway]:
    async with httpx.AsyncClient() as client:
        yield SandboxGateway(client, base_url="http://gateway.invalid", secret=SECRET,
                             notify_url="http://payments.invalid/v1/webhooks/sandbox", tolerance=300)


def test_a_signed_notification_is_read(gateway: SandboxGateway) -> None:
    verified = gateway.verify(BODY, {SIGNATURE_HEADER.lower(): sign(SECRET, BODY, int(time.time()))})
    assert verified.event_id == "evt_1"
    assert (verified.outcome.kind, verified.outcome.status) == (OutcomeKind.PAYMENT,
                                                                OutcomeStatus.SUCCEEDED)


@pytest.mark.parametrize("header", [
    "", "t=1,v1=00", sign("another-secret-0123456789", BODY, int(time.time())),
    sign(SECRET, BODY, int(time.time()) - 3600), sign(SECRET, BODY + b" ", int(time.time()))])
def test_anything_else_is_refused(gateway: SandboxGateway, header: str) -> None:
    with pytest.raises(InvalidSignature):
        gateway.verify(BODY, {SIGNATURE_HEADER.lower(): header})
