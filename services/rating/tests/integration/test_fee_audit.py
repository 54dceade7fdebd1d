"""The fee pass's audit trail: each charge leaves one ``fee.charged`` row about its line, by the
job ``rating.fees``, under the correlation id of the pass; a pass that charges nothing, or a day
charged already, leaves none."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
from rating.settings import RatingSettings
from tarifa.auth import Role
from tarifa.testing.apps import bearer
from tarifa.testing.audit import audit_rows, correlated
from tarifa.tokens import TokenSigner

from .seed import PLAN, open_line, put_plan

D = Decimal
FEES = {"subject": "rating.fees", "role": "system"}


async def _move(client: httpx.AsyncClient, now: str, headers: dict[str, str]) -> None:
    moved = await client.put("/v1/test/clock?wait=true", json={"now": now}, headers=headers)
    assert moved.status_code == 200, moved.text


async def _fees(client: httpx.AsyncClient, token_signer: TokenSigner, msisdn: str) -> list[dict[str, Any]]:
    response = await client.get(f"/v1/lines/{msisdn}/fees", headers=bearer(token_signer))
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_each_fee_charge_is_audited_once_with_its_pass(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "audited-fees", PLAN | {"allowances": []})
    account_id, msisdn = await open_line(settings, client, token_signer, "audited-fees",
                                         connected_at="2026-06-10T00:00:00+00:00")
    await _move(client, "2026-06-01T00:00:00+00:00", correlated()[1])
    assert await audit_rows(client, "line", msisdn) == [], "a pass that charges nothing"
    correlation_id, header = correlated()
    await _move(client, "2026-07-01T01:00:00+00:00", header)
    await _move(client, "2026-07-01T02:00:00+00:00", correlated()[1])
    fees = await _fees(client, token_signer, msisdn)
    rows = await audit_rows(client, "line", msisdn)
    assert [f["period_date"] for f in fees] == ["2026-06-10", "2026-07-01"]
    assert [(r["action"], r["actor"], r["correlation_id"]) for r in rows] == [
        ("fee.charged", FEES, correlation_id)] * 2
    assert [(r["after"]["period_date"], D(r["after"]["gross"]), D(r["after"]["net"]))
            for r in rows] == [(f["period_date"], D(f["gross"]), D(f["net"])) for f in fees]
    assert {(r["before"], r["after"]["account_id"], r["after"]["currency"],
             r["after"]["plan_code"]) for r in rows} == {(None, account_id, "MDL",
                                                          "audited-fees")}


async def test_the_audit_route_filters_the_fee_rows(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "filtered-fees", PLAN | {"allowances": []})
    _, msisdn = await open_line(settings, client, token_signer, "filtered-fees",
                                connected_at="2026-06-10T00:00:00+00:00")
    _, other = await open_line(settings, client, token_signer, "filtered-fees",
                               connected_at="2026-06-10T00:00:00+00:00")
    await _move(client, "2026-07-01T01:00:00+00:00", {})

    async def page(**params: str) -> dict[str, Any]:
        response = await client.get("/v1/audit", params=params,
                                    headers=bearer(token_signer, Role.OPERATOR))
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()
        return found

    one = {"target_type": "line", "target_id": msisdn}
    assert (await page(**one))["total"] == 2
    assert (await page(target_type="line"))["total"] == 4
    assert {r["target_id"] for r in (await page(target_type="line"))["items"]} == {msisdn, other}
    assert (await page(**one, to="2026-07-01T01:00:00Z"))["total"] == 0
    assert (await page(**one, **{"from": "2026-07-01T01:00:00Z"}))["total"] == 2
    first = await page(**one, limit="1")
    second = await page(**one, limit="1", offset="1")
    assert (first["total"], len(first["items"]), len(second["items"])) == (2, 1, 1)
    assert first["items"][0]["after"]["period_date"] == "2026-07-01", "newest first"
    assert second["items"][0]["after"]["period_date"] == "2026-06-10"
