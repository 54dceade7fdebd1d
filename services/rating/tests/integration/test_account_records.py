"""An account's rated records over HTTP for its detailed bill: every record of its lines, by line
then time, paged, one direction, only its own records, refusals."""

from __future__ import annotations

from typing import Any

import httpx
from rating.settings import RatingSettings
from tarifa.auth import Role
from tarifa.testing.apps import bearer
from tarifa.tokens import TokenSigner

from .seed import PLAN, open_line, post_usage, put_plan, record


async def _pages(client: httpx.AsyncClient, headers: dict[str, str], account_id: str,
                 **params: Any) -> list[list[dict[str, Any]]]:
    pages, cursor = [], None
    while True:
        wanted = params | ({"cursor": cursor} if cursor else {})
        response = await client.get(f"/v1/accounts/{account_id}/usage", headers=headers,
                                    params=wanted)
        assert response.status_code == 200, response.text
        pages.append(response.json()["items"])
        if (cursor := response.json()["next_cursor"]) is None:
            return pages


async def _two_lines(client: httpx.AsyncClient, settings: RatingSettings,
                     secret: TokenSigner) -> tuple[str, str, str]:
    await put_plan(client, secret, "basic", PLAN)
    account_id, first = await open_line(settings, client, secret, "basic")
    other_account, _second = await open_line(settings, client, secret, "basic")
    return account_id, first, other_account


async def test_every_record_of_the_account_is_listed_line_by_line_and_oldest_first(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    account_id, msisdn, other = await _two_lines(client, settings, token_signer)
    times = ["2026-05-04T10:00:00+00:00", "2026-05-02T08:30:00+00:00",
             "2026-05-31T23:59:00+00:00", "2026-05-03T12:00:00+00:00", "2026-06-01T00:00:01+00:00"]
    records = [record(msisdn, f"r{i}", started_at=at, other_party=f"3736900000{i}")
               for i, at in enumerate(times)]
    records.append(record(msisdn, "sms-in", direction="in", quantity=30,
                          started_at="2026-05-05T09:00:00+00:00", other_party="37369111111"))
    report = await post_usage(client, token_signer, records)
    assert report.json()["accepted"] == len(records), report.text
    headers = bearer(token_signer, Role.SUBSCRIBER, account_id)
    pages = await _pages(client, headers, account_id, **{"from": "2026-05-01", "to": "2026-05-31",
                                                         "direction": "out", "limit": 2})
    assert [len(page) for page in pages] == [2, 2]
    listed = [item for page in pages for item in page]
    assert [item["id"] for item in listed] == ["r1", "r3", "r0", "r2"]
    first = listed[0]
    assert (first["msisdn"], first["other_party"], first["type"], first["quantity"],
            first["zone"], first["started_at"]) == (msisdn, "37369000001", "voice", 60,
                                                    "national", "2026-05-02T08:30:00Z")
    both = await _pages(client, headers, account_id, **{"from": "2026-05-01", "to": "2026-05-31"})
    assert sorted(item["id"] for item in both[0]) == ["r0", "r1", "r2", "r3", "sms-in"]
    others = await _pages(client, bearer(token_signer), other,
                          **{"from": "2026-05-01", "to": "2026-05-31"})
    assert others == [[]]


async def test_others_accounts_unknown_accounts_and_bad_intervals_are_refused(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    account_id, _msisdn, other = await _two_lines(client, settings, token_signer)
    interval = {"from": "2026-05-01", "to": "2026-05-31"}
    own = bearer(token_signer, Role.SUBSCRIBER, account_id)
    assert (await client.get(f"/v1/accounts/{other}/usage", headers=own, params=interval)
            ).status_code == 404
    assert (await client.get("/v1/accounts/nobody/usage", headers=bearer(token_signer),
                             params=interval)).status_code == 404
    assert (await client.get(f"/v1/accounts/{account_id}/usage", params=interval)
            ).status_code == 401
    refused = [{"from": "2026-05-31", "to": "2026-05-01"},
               {"from": "0001-01-01", "to": "2026-05-01"},
               {"from": "2020-01-01", "to": "2026-05-01"}, {"to": "2026-05-01"},
               interval | {"cursor": "not-a-cursor"}, interval | {"direction": "both"},
               interval | {"limit": 0}]
    for params in refused:
        response = await client.get(f"/v1/accounts/{account_id}/usage", headers=own,
                                    params=params)
        assert response.status_code == 422, (params, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
