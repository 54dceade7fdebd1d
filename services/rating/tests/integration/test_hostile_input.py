"""The worst input of rating's routes: bad records refused one by one, bad plans and files whole."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest
from rating.settings import RatingSettings
from tarifa.auth import Role
from tarifa.testing.apps import bearer
from tarifa.testing.rows import row_counts
from tarifa.tokens import TokenSigner

from .seed import PLAN, open_line, post_usage, put_plan, record

HEADER = "id,msisdn,type,direction,started_at,quantity"

BAD_RECORDS: dict[str, dict[str, Any]] = {
    "year 1": {"started_at": "0001-01-01T00:00:00+00:00"},
    "year 1 east": {"started_at": "0001-01-01T00:00:00+14:00"},
    "year 9999": {"started_at": "9999-12-31T23:59:59-12:00"},
    "1999": {"started_at": "1999-12-31T23:59:59+00:00"},
    "past the late window": {"started_at": "2026-01-01T00:00:00+00:00"},
    "NUL in id": {"id": "r\x00"},
    "NUL in other party": {"other_party": "3736\x00"},
    "escape in zone": {"zone": "\x1b[0m"},
    "huge quantity": {"quantity": 10 ** 30},
    "float quantity": {"quantity": 1e308},
}


async def test_each_bad_record_is_refused_alone_and_the_rest_of_the_batch_is_rated(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "hostile", PLAN | {"allowances": []})
    _, msisdn = await open_line(settings, client, token_signer, "hostile")
    bad = [record(msisdn, f"bad-{i}") | change for i, change in enumerate(BAD_RECORDS.values())]
    good = [record(msisdn, "good-1"), record(msisdn, "good-2", type="sms", quantity=1)]
    response = await post_usage(client, token_signer, [good[0], *bad, good[1]], Role.OPERATOR)
    assert response.status_code == 200, response.text
    assert response.json()["accepted"] == 2
    rejected = response.json()["rejected"]
    assert [r["index"] for r in rejected] == list(range(1, len(bad) + 1))
    reasons = [r["reason"] for r in rejected]
    assert all("outside 2000 to 2100" in reason for reason in reasons[:4]), reasons
    assert reasons[4] == "too late"
    assert all("control character" in reason for reason in reasons[5:8]), reasons
    usage = (await client.get(f"/v1/lines/{msisdn}/usage", headers=bearer(token_signer))).json()
    assert sorted(r["id"] for r in usage["items"]) == ["good-1", "good-2"]


@pytest.mark.parametrize("change", [
    {"currency": "ZZZ"}, {"currency": "XAU"}, {"name": "Smart\x00"}, {"name": "Smart\n100"},
    {"effective_from": "0001-01-01"}, {"effective_from": "9999-12-31"},
    {"monthly_fee": "9" * 40}, {"prices": [PLAN["prices"][0] | {"zone": "\x00"}]},
])
async def test_a_plan_with_a_bad_field_is_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner, change: dict[str, Any]
) -> None:
    before = await row_counts(settings.dsn)
    response = await put_plan(client, token_signer, "hostile-plan", PLAN | change)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert await row_counts(settings.dsn) == before


BAD_FILES = {
    "bare carriage return": (f"{HEADER}\r\nr1,37369000001,sms,out,2026-05-04T10:00:00+00:00,1\r\n"
                             "r2,3736\r9000001,sms,out,2026-05-04T10:00:00+00:00,1\r\n".encode(), 3),
    "quoted carriage return": (f'{HEADER}\n"r1\r",37369000001,sms,out,'
                               '2026-05-04T10:00:00+00:00,1\n'.encode(), 2),
    "NUL": (f"{HEADER}\nr1,37369000001,sms,out,2026-05-04T10:00:00+00:00,1\nr2,\x00\n".encode(), 3),
    "utf-16": (f"{HEADER}\nr1,37369000001,sms,out,2026-05-04T10:00:00+00:00,1\n".encode("utf-16"), 1),
    "latin-1": (f"{HEADER}\nr1,37369000001,sms,out,2026-05-04T10:00:00+00:00,1\n"
                "r2,Ştefan\n".encode("cp1250"), 3),
}


@pytest.mark.parametrize("name", BAD_FILES)
async def test_a_csv_file_that_cannot_be_parsed_is_refused_with_its_line_number(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner, name: str
) -> None:
    content, line = BAD_FILES[name]
    before = await row_counts(settings.dsn)
    response = await client.post("/v1/usage", content=content, headers=bearer(token_signer) | {
        "content-type": "text/csv"})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert f"line {line}:" in response.json()["detail"]
    assert await row_counts(settings.dsn) == before


@pytest.mark.parametrize(("path", "status"), [
    ("/v1/plans/a%00b", 404), ("/v1/lines/%00/usage", 404), ("/v1/lines/1%1b/fees", 404),
    ("/v1/lines/37369000001/usage?cursor=%00", 422),
    ("/v1/lines/37369000001/usage?from=0001-01-01&to=9999-12-31", 200),
    ("/v1/lines/37369000001/fees?from=0001-01-01&to=9999-12-31", 200),
    ("/v1/lines/37369000001/usage?cursor="
     + base64.urlsafe_b64encode(b"0001-01-01T00:00:00+00:00|\x00").decode(), 422),
])
async def test_hostile_paths_and_queries_never_answer_5xx(
    client: httpx.AsyncClient, token_signer: TokenSigner, path: str, status: int
) -> None:
    response = await client.get(path, headers=bearer(token_signer))
    assert response.status_code in (status, 404), response.text


async def test_usage_and_fees_asked_from_year_1_to_9999_answer_without_error(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "hostile-query", PLAN | {"allowances": []})
    _, msisdn = await open_line(settings, client, token_signer, "hostile-query")
    for what in ("usage", "fees", "allowances"):
        response = await client.get(f"/v1/lines/{msisdn}/{what}", headers=bearer(token_signer),
                                    params={"from": "0001-01-01", "to": "9999-12-31"})
        assert response.status_code in (200, 422), response.text
