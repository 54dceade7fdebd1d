"""The worst input of notifications' routes: 422 (or 404) problem+json, and no row changes."""

from __future__ import annotations

import httpx
import pytest
from notifications.settings import NotificationsSettings
from tarifa.testing.apps import bearer
from tarifa.testing.rows import row_counts
from tarifa.tokens import TokenSigner

TEMPLATE = "/v1/templates/invoicing.invoice.issued/email/en"


@pytest.mark.parametrize("body", [
    {"subject": "Your bill\r\nBcc: all@example.com", "body": "Dear $customer_name"},
    {"subject": "Your bill\x00", "body": "Dear $customer_name"},
    {"body": "Dear $customer_name\x00"}, {"body": "Dear\x1b[2J $customer_name"},
    {"body": "Dear\r$customer_name"},
    {"body": "x" * 20_001},
])
async def test_a_template_with_control_characters_is_refused(
    client: httpx.AsyncClient, settings: NotificationsSettings, token_signer: TokenSigner,
    body: dict[str, str],
) -> None:
    before = await row_counts(settings.dsn)
    response = await client.put(TEMPLATE, json=body, headers=bearer(token_signer))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/invalid-input")
    assert await row_counts(settings.dsn) == before


async def test_a_template_of_several_lines_is_kept(
    client: httpx.AsyncClient, token_signer: TokenSigner
) -> None:
    body = {"subject": "Your bill", "body": "Dear $customer_name,\r\n\n\tyour bill is ready.\n"}
    response = await client.put(TEMPLATE, json=body, headers=bearer(token_signer))
    assert response.status_code == 200, response.text
    assert response.json()["body"] == body["body"]


@pytest.mark.parametrize(("path", "status"), [
    ("/v1/templates/a%00/email/en", 404), ("/v1/notifications?account_id=%00", 422),
    ("/v1/notifications?event=a%1bb", 422),
])
async def test_hostile_paths_and_queries_never_answer_5xx(
    client: httpx.AsyncClient, token_signer: TokenSigner, path: str, status: int
) -> None:
    response = await client.get(path, headers=bearer(token_signer))
    assert response.status_code == status, response.text
