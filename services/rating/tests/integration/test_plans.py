"""Publishing and reading plan versions over HTTP, on the real PostgreSQL and RabbitMQ."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from rating.settings import RatingSettings
from tarifa.auth import Role
from tarifa.testing.apps import bearer
from tarifa.testing.events import tap_events
from tarifa.tokens import TokenSigner

from .seed import PLAN, put_plan


async def _clock(client: httpx.AsyncClient, now: str) -> None:
    assert (await client.put("/v1/test/clock?wait=true", json={"now": now})).status_code == 200


async def test_versions_are_numbered_and_an_identical_put_makes_none(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    async with tap_events(settings.amqp_url, ["rating.plan.published"]) as tap:
        first = await put_plan(client, token_signer, "smart-100", PLAN)
        same = await put_plan(client, token_signer, "smart-100", PLAN)
        second = await put_plan(client, token_signer, "smart-100", PLAN | {"monthly_fee": "120.00"})
        events = await tap.wait_for("rating.plan.published", count=2, code="smart-100")
    assert (first.status_code, first.json()["version"]) == (201, 1)
    assert (same.status_code, same.json()["version"]) == (200, 1)
    assert (second.status_code, second.json()["version"]) == (200, 2)
    assert [(e.data["version"], e.data["monthly_fee"]) for e in events] == [(1, "100.00"), (2, "120.00")]
    assert events[0].data["vat_rate"] == "0.20" and events[0].data["effective_from"] == "2026-01-01"


async def test_get_answers_the_version_in_effect_on_the_clock(
    client: httpx.AsyncClient, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "family", PLAN)
    await put_plan(client, token_signer, "family", PLAN | {"effective_from": "2026-07-01",
                                                         "monthly_fee": "90.00"})
    await _clock(client, "2026-06-30T12:00:00+00:00")
    june = await client.get("/v1/plans/family", headers=bearer(token_signer, Role.SUBSCRIBER, "a"))
    await _clock(client, "2026-07-01T12:00:00+00:00")
    july = await client.get("/v1/plans/family", headers=bearer(token_signer))
    assert (june.json()["version"], june.json()["monthly_fee"]) == (1, "100.00")
    assert (july.json()["code"], july.json()["version"], july.json()["monthly_fee"]) == ("family", 2, "90.00")
    assert july.json()["prices"][0] == PLAN["prices"][0] | {"unit": "minute"}
    unknown = await client.get("/v1/plans/nothing", headers=bearer(token_signer))
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"


def _price(**fields: Any) -> dict[str, Any]:
    return {"prices": [PLAN["prices"][0] | fields]}


BAD_PLANS: list[dict[str, Any]] = [
    {"monthly_fee": "-1.00"}, {"monthly_fee": "1.001"}, {"monthly_fee": "ten"},
    {"vat_rate": "1"}, {"vat_rate": "1.5"}, {"vat_rate": "-0.2"}, {"currency": "mdl"},
    {"currency": "MD"}, {"payment_mode": "credit"}, {"prices_include_vat": "yes"},
    {"effective_from": "someday"}, {"name": ""}, {"colour": "red"},
    _price(unit_price="-0.01"), _price(unit_price="1e3"), _price(unit_price="NaN"),
    _price(first_increment=0), _price(next_increment=-1), _price(first_increment="60"),
    _price(type="fax"), _price(direction="up"), _price(zone="National!"), _price(unit="MiB"),
    {"prices": [PLAN["prices"][0], PLAN["prices"][0]]},
    {"allowances": [{"type": "sms", "direction": "out", "zone": "*", "quantity": -1}]},
    {"allowances": [{"type": "sms", "direction": "out", "zone": "*", "quantity": "100"}]},
]


@pytest.mark.parametrize("change", BAD_PLANS)
async def test_bad_plans_are_refused_and_change_nothing(
    client: httpx.AsyncClient, token_signer: TokenSigner, change: dict[str, Any]
) -> None:
    response = await put_plan(client, token_signer, "bad", PLAN | change)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"]
    assert (await client.get("/v1/plans/bad", headers=bearer(token_signer))).status_code == 404


async def test_a_new_version_cannot_start_before_the_latest(
    client: httpx.AsyncClient, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "later", PLAN | {"effective_from": "2026-05-01"})
    earlier = await put_plan(client, token_signer, "later", PLAN | {"effective_from": "2026-04-01",
                                                                  "monthly_fee": "1.00"})
    assert earlier.status_code == 422
    assert earlier.json()["errors"][0]["field"] == "effective_from"


async def test_only_operators_publish_and_every_call_needs_a_token(
    client: httpx.AsyncClient, token_signer: TokenSigner
) -> None:
    assert (await client.put("/v1/plans/p", json=PLAN)).status_code == 401
    assert (await client.get("/v1/plans/p")).status_code == 401
    for role in (Role.PARTNER, Role.SUBSCRIBER):
        response = await client.put("/v1/plans/p", json=PLAN, headers=bearer(token_signer, role, "a"))
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"
