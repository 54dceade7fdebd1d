"""The worst input of payments' routes: 422 (or 404) problem+json, and no row changes."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from payments.bootstrap import MIGRATIONS, build_app
from payments.settings import PaymentsSettings
from tarifa.auth import Role
from tarifa.db import prepare_database
from tarifa.testing.apps import bearer, running_client
from tarifa.testing.rows import row_counts
from tarifa.tokens import TokenSigner

from .world import RETURN_URL, open_account

HEADER = "reference,account_or_msisdn,amount,currency,paid_at"


@pytest.mark.parametrize("change", [
    {"currency": "ZZZ"}, {"currency": "XAU"}, {"reference": "R\x00"}, {"channel": "cash\x1b"},
    {"account_id": "a\x00"}, {"amount": "9" * 40}, {"reason": "x"},
])
async def test_an_offline_payment_with_a_bad_field_is_refused(
    client: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner, change: dict[str, str]
) -> None:
    account_id = await open_account(client, settings.amqp_url, token_signer, currency="MDL")
    body = {"account_id": account_id, "amount": "10.00", "currency": "MDL", "channel": "cash",
            "reference": f"R-{uuid.uuid4().hex[:8]}"} | change
    before = await row_counts(settings.dsn)
    response = await client.post("/v1/payments/offline", json=body,
                                 headers=bearer(token_signer, Role.PARTNER))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert await row_counts(settings.dsn) == before


@pytest.mark.parametrize("change", [{"currency": "ZZZ"}, {"return_url": "https://x\x00"},
                                    {"invoice_id": "i\x00", "purpose": "invoice"}])
async def test_a_card_payment_with_a_bad_field_is_refused(
    client: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner, change: dict[str, Any]
) -> None:
    body = {"account_id": "a1", "amount": "10.00", "currency": "MDL", "purpose": "advance",
            "return_url": RETURN_URL} | change
    before = await row_counts(settings.dsn)
    response = await client.post("/v1/payments", json=body, headers=bearer(token_signer))
    assert response.status_code == 422, response.text
    assert await row_counts(settings.dsn) == before


BAD_FILES = {
    "bare carriage return": (f"{HEADER}\nR1,a1,1.00,MDL,\nR2,a\r1,1.00,MDL,\n".encode(), 3),
    "NUL": (f"{HEADER}\nR1,a\x001,1.00,MDL,\n".encode(), 2),
    "open quote": (f'{HEADER}\nR1,a1,1.00,MDL,\n"R2,a1,1.00,MDL,\n'.encode(), 3),
    "cp1250": (f"{HEADER}\nR1,Ştefan,1.00,MDL,\n".encode("cp1250"), 2),
    "long reference": (f"{HEADER}\n{'R' * 201},a1,1.00,MDL,\n".encode(), 2),
}


@pytest.mark.parametrize("name", BAD_FILES)
async def test_a_registry_that_cannot_be_parsed_is_refused_with_its_line_number(
    client: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner, name: str
) -> None:
    content, line = BAD_FILES[name]
    before = await row_counts(settings.dsn)
    response = await client.post("/v1/payment-registries", content=content,
                                 headers=bearer(token_signer, Role.PARTNER) | {"content-type": "text/csv"})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert f"line {line}:" in response.json()["detail"]
    assert await row_counts(settings.dsn) == before


async def test_a_registry_row_paid_in_year_1_is_kept_unmatched_with_the_reason(
    client: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    account_id = await open_account(client, settings.amqp_url, token_signer, currency="MDL")
    tag = uuid.uuid4().hex[:8]
    text = (f"{HEADER}\n{tag}-1,{account_id},1.00,MDL,0001-01-01T00:00:00+00:00\n"
            f"{tag}-2,{account_id},1.00,ZZZ,\n")
    response = await client.post("/v1/payment-registries", content=text.encode(),
                                 headers=bearer(token_signer, Role.PARTNER))
    assert response.status_code == 201, response.text
    assert response.json()["matched"] == 0
    reasons = [row["reason"] for row in response.json()["unmatched"]]
    assert "outside 2000 to 2100" in reasons[0] and "ISO 4217" in reasons[1]


@pytest.mark.parametrize("path", ["/v1/payments/a%00b", "/v1/payment-registries/%00",
                                  "/v1/payment-methods/%1b"])
async def test_a_path_with_a_control_character_is_not_found(
    client: httpx.AsyncClient, token_signer: TokenSigner, path: str
) -> None:
    response = await client.get(path, headers=bearer(token_signer))
    assert response.status_code == 404, response.text


@pytest.mark.parametrize("name", ["body too big", "form file too big", "too many rows"])
async def test_a_registry_beyond_the_policy_limits_is_refused_whole(
    settings: PaymentsSettings, token_signer: TokenSigner, name: str
) -> None:
    limited = settings.model_copy(update={"registry_max_bytes": 4_000, "registry_max_rows": 5})
    await prepare_database(MIGRATIONS, limited.dsn)
    rows = "".join(f"R-{i},a1,1.00,MDL,\n" for i in range(6 if name == "too many rows" else 400))
    content = f"{HEADER}\n{rows}".encode()
    partner = bearer(token_signer, Role.PARTNER)
    async with running_client(build_app(limited)) as client:
        before = await row_counts(limited.dsn)
        if name == "form file too big":
            response = await client.post("/v1/payment-registries", headers=partner,
                                         files={"file": ("big.csv", content, "text/csv")})
        else:
            response = await client.post("/v1/payment-registries", content=content,
                                         headers=partner | {"content-type": "text/csv"})
        assert response.status_code == 422, response.text
        assert response.json()["type"].endswith("/invalid-registry")
        assert "at most" in response.json()["detail"]
        assert await row_counts(limited.dsn) == before
