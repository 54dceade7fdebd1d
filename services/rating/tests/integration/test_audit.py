"""The rating audit trail over HTTP: plan publications with their operator, the version before
and after and the correlation id; a refused or unchanged publication leaves no row."""

from __future__ import annotations

import httpx
from tarifa.auth import Role
from tarifa.testing.apps import bearer
from tarifa.testing.audit import audit_rows, correlated
from tarifa.tokens import TokenSigner

from .seed import PLAN


async def test_a_plan_publication_is_audited_and_a_refused_one_is_not(
    client: httpx.AsyncClient, token_signer: TokenSigner
) -> None:
    correlation_id, header = correlated()
    operator = bearer(token_signer, Role.OPERATOR) | header
    first = await client.put("/v1/plans/audit-1", json=PLAN, headers=operator)
    same = await client.put("/v1/plans/audit-1", json=PLAN, headers=operator)
    refused = await client.put("/v1/plans/audit-1", json=PLAN | {"effective_from": "2025-01-01",
                                                                 "monthly_fee": "1.00"},
                               headers=operator)
    second = await client.put("/v1/plans/audit-1", json=PLAN | {"monthly_fee": "120.00"},
                              headers=operator)
    assert [r.status_code for r in (first, same, refused, second)] == [201, 200, 422, 200]
    created, changed = await audit_rows(client, "plan", "audit-1")
    assert {row["action"] for row in (created, changed)} == {"plan.published"}
    assert created["actor"] == {"subject": "test-operator", "role": "operator"}
    assert created["correlation_id"] == changed["correlation_id"] == correlation_id
    assert created["before"] is None and created["after"]["version"] == 1
    assert (changed["before"]["monthly_fee"], changed["after"]["monthly_fee"]) == ("100.00",
                                                                                   "120.00")
