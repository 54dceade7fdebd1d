"""The notifications audit trail over HTTP: a template change with its operator, the text before
and after and the correlation id; a refused template leaves no row."""

from __future__ import annotations

import httpx
from tarifa.testing.apps import bearer
from tarifa.testing.audit import audit_rows, correlated
from tarifa.tokens import TokenSigner

TEMPLATE = "/v1/templates/invoicing.invoice.issued/sms/ro"
TARGET = "invoicing.invoice.issued/sms/ro"


async def test_a_template_change_is_audited_and_a_refused_one_is_not(
    client: httpx.AsyncClient, token_signer: TokenSigner
) -> None:
    correlation_id, header = correlated()
    operator = bearer(token_signer) | header
    refused = await client.put(TEMPLATE, json={"body": "De plată $iban"}, headers=operator)
    assert refused.status_code == 422, refused.text
    assert await audit_rows(client, "template", TARGET) == []
    stored = await client.put(TEMPLATE, json={"body": "De plată $amount_due"}, headers=operator)
    assert stored.status_code == 200, stored.text
    [row] = await audit_rows(client, "template", TARGET)
    assert (row["action"], row["actor"]) == (
        "template.changed", {"subject": "test-operator", "role": "operator"})
    assert row["correlation_id"] == correlation_id
    assert row["before"]["body"] != "De plată $amount_due"
    assert row["after"] == {"body": "De plată $amount_due", "subject": None}
