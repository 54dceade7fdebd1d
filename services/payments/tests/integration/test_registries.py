"""Payment registry files (P5): matched rows paid once, unmatched kept, repeats skipped."""

from __future__ import annotations

import uuid

import httpx
from payments.settings import PaymentsSettings
from tarifa.auth import Role
from tarifa.testing.apps import bearer
from tarifa.testing.events import tap_events
from tarifa.tokens import TokenSigner

from .world import open_account

SUCCEEDED = "payments.payment.succeeded"


def _registry(rows: list[str]) -> str:
    return "\n".join(["reference,account_or_msisdn,amount,currency,paid_at", *rows]) + "\n"


async def test_registry_pays_matches_keeps_the_rest_and_never_pays_twice(
    client: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    msisdn = f"+3736{uuid.uuid4().int % 10**7:07d}"
    tag = uuid.uuid4().hex[:8]
    async with tap_events(settings.amqp_url, [SUCCEEDED]) as tap:
        by_id = await open_account(client, settings.amqp_url, token_signer, currency="MDL")
        by_phone = await open_account(client, settings.amqp_url, token_signer, currency="MDL",
                                      msisdn=msisdn)
        text = _registry([f"{tag}-1,{by_id},150.00,MDL,2026-02-03T10:00:00+02:00",
                          f"{tag}-2,{msisdn},75.50,MDL,2026-02-03T11:00:00+02:00",
                          f"{tag}-3,+37399999999,10.00,MDL,", f"{tag}-4,{by_id},10.00,EUR,",
                          f"{tag}-5,{by_id},-3.00,MDL,", f"{tag}-1,{by_id},150.00,MDL,"])
        partner = bearer(token_signer, Role.PARTNER)
        first = await client.post("/v1/payment-registries", content=text.encode(),
                                  headers=partner | {"Content-Type": "text/csv"})
        again = await client.post("/v1/payment-registries", headers=partner,
                                  files={"file": ("registry.csv", text.encode(), "text/csv")})
        events = await tap.wait_for(SUCCEEDED, count=2, channel="registry")
    report, repeat = first.json(), again.json()
    assert (first.status_code, report["matched"], report["duplicates"]) == (201, 2, 1)
    assert [row["reference"] for row in report["unmatched"]] == [f"{tag}-3", f"{tag}-4", f"{tag}-5"]
    assert (again.status_code, repeat["matched"], repeat["duplicates"], repeat["unmatched"]) == (
        201, 0, 6, [])
    assert sorted((e.data["account_id"], e.data["amount"]) for e in events) == sorted(
        [(by_id, "150.00"), (by_phone, "75.50")])
    kept = await client.get(f"/v1/payment-registries/{report['id']}", headers=bearer(token_signer))
    assert kept.json()["unmatched"] == report["unmatched"]


async def test_registry_access_and_files_that_are_not_registries(
    client: httpx.AsyncClient, token_signer: TokenSigner
) -> None:
    partner = bearer(token_signer, Role.PARTNER)
    made = (await client.post("/v1/payment-registries", content=_registry([]).encode(),
                              headers=partner)).json()
    url = f"/v1/payment-registries/{made['id']}"
    answers = {
        "no token": await client.post("/v1/payment-registries", content=b"x"),
        "subscriber": await client.post("/v1/payment-registries", content=_registry([]).encode(),
                                        headers=bearer(token_signer, Role.SUBSCRIBER, "a")),
        "missing columns": await client.post("/v1/payment-registries", content=b"reference,amount\n",
                                             headers=partner),
        "not utf-8": await client.post("/v1/payment-registries", content=b"\xff\xfe\x00",
                                       headers=partner),
        "unknown": await client.get("/v1/payment-registries/nope", headers=partner),
        "own": await client.get(url, headers=partner),
        "operator": await client.get(url, headers=bearer(token_signer)),
    }
    assert {k: r.status_code for k, r in answers.items()} == {
        "no token": 401, "subscriber": 403, "missing columns": 422, "not utf-8": 422,
        "unknown": 404, "own": 200, "operator": 200}


async def test_a_phone_number_matches_its_line_with_or_without_the_plus(
    client: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    digits = f"3736{uuid.uuid4().int % 10**7:07d}"  # as accounts announces a line
    account_id = await open_account(client, settings.amqp_url, token_signer, currency="MDL",
                                    msisdn=digits)
    tag = uuid.uuid4().hex[:8]
    report = (await client.post("/v1/payment-registries", headers=bearer(token_signer, Role.PARTNER),
                                content=_registry([f"{tag}-1,+{digits},5.00,MDL,",
                                                   f"{tag}-2,{digits},6.00,MDL,"]).encode())).json()
    assert (report["matched"], report["unmatched"]) == (2, [])
    page = await client.get(f"/v1/accounts/{account_id}/payments", headers=bearer(token_signer))
    assert sorted(p["amount"] for p in page.json()["items"] if p["channel"] == "registry") == [
        "5.00", "6.00"]
