"""Usage as a CSV file on ``POST /v1/usage``: the same report and limits as a JSON batch."""

from __future__ import annotations

import httpx
import pytest
from rating.settings import RatingSettings
from tarifa.auth import Role
from tarifa.testing.apps import bearer
from tarifa.tokens import TokenSigner

from .seed import PLAN, open_line, put_plan

HEADER = "id,msisdn,type,direction,started_at,quantity,other_party,zone,roaming_country"


async def _post_csv(client: httpx.AsyncClient, secret: str, content: bytes,
                    role: Role = Role.MEDIATION) -> httpx.Response:
    return await client.post("/v1/usage", content=content,
                             headers=bearer(secret, role) | {"content-type": "text/csv"})


async def test_a_csv_file_is_rated_like_a_batch_and_its_bad_lines_rejected_alone(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "csv", PLAN | {"allowances": []})
    _, msisdn = await open_line(settings, client, token_signer, "csv")
    lines = [
        HEADER,
        f"c1,{msisdn},voice,out,2026-05-04T10:00:00+00:00,90,37369111111,,",
        f"c2,{msisdn},sms,out,2026-05-04T10:01:00+00:00,1,,,",
        f"c3,{msisdn},voice,out,2026-05-04T10:02:00+00:00,61,,international,",
        "",
        f"c4,{msisdn},sms,out,2026-05-04T10:03:00+00:00,lots,,,",
        f"c5,{msisdn},sms,out",
        f"c2,{msisdn},sms,out,2026-05-04T10:01:00+00:00,1,,,",
    ]
    content = ("\r\n".join(lines) + "\r\n").encode()
    first = await _post_csv(client, token_signer, content, Role.OPERATOR)
    again = await _post_csv(client, token_signer, content)
    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["accepted"], body["duplicates"]) == (3, 1)
    assert [(r["id"], r["index"]) for r in body["rejected"]] == [("c4", 3), ("c5", 4)]
    assert "whole number" in body["rejected"][0]["reason"]
    assert body["rejected"][1]["reason"] == "line 7 has 4 fields, the header 9"
    assert (again.json()["accepted"], again.json()["duplicates"]) == (0, 4)
    usage = (await client.get(f"/v1/lines/{msisdn}/usage", headers=bearer(token_signer))).json()
    assert [(r["id"], r["zone"], r["other_party"], r["net"]) for r in usage["items"]] == [
        ("c1", "national", "37369111111", "0.015"), ("c2", "national", None, "0.50"),
        ("c3", "international", None, "0.20")]


def _many(count: int) -> bytes:
    return "\n".join([HEADER] + [f"r{i},37369000001,sms,out,2026-05-04T10:00:00+00:00,1,,,"
                                 for i in range(count)]).encode()


BAD_FILES = {
    "empty": b"",
    "no header": b"\n\n",
    "unknown column": (HEADER + ",colour\n").encode(),
    "missing column": b"id,msisdn,type,direction,started_at\n",
    "repeated column": (HEADER + ",zone\n").encode(),
    "not utf-8": HEADER.encode() + b"\n\xff\xfe,1,2\n",
    "open quote": (HEADER + '\n"r1,37369000001,sms\n').encode(),
    "too many": _many(10_001),
}


@pytest.mark.parametrize("name", BAD_FILES)
async def test_a_file_that_is_no_usage_csv_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner, name: str
) -> None:
    await put_plan(client, token_signer, "bad-csv", PLAN | {"allowances": []})
    _, msisdn = await open_line(settings, client, token_signer, "bad-csv")
    content = BAD_FILES[name].replace(b"37369000001", msisdn.encode())
    response = await _post_csv(client, token_signer, content)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    usage = (await client.get(f"/v1/lines/{msisdn}/usage", headers=bearer(token_signer))).json()
    assert usage["items"] == []


async def test_csv_ingest_needs_an_operator_or_mediation(
    client: httpx.AsyncClient, token_signer: TokenSigner
) -> None:
    content = (HEADER + "\n").encode()
    assert (await _post_csv(client, token_signer, content)).json()["accepted"] == 0
    for role in (Role.SUBSCRIBER, Role.PARTNER):
        refused = await _post_csv(client, token_signer, content, role)
        assert refused.status_code == 403
