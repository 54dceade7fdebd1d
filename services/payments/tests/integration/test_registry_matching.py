"""Manual matching of registry rows (P5) over HTTP, on the real PostgreSQL and RabbitMQ: the
rows kept with their problem, listed a page at a time, assigned once (paid with the row's
``paid_at``, announced, audited) or rejected, and every wrong request refused unchanged."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from payments.settings import PaymentsSettings
from tarifa.auth import Principal, Role
from tarifa.testing.apps import bearer
from tarifa.testing.audit import audit_rows
from tarifa.testing.events import tap_events
from tarifa.testing.rows import row_counts
from tarifa.tokens import TokenSigner

from .world import open_account

SUCCEEDED = "payments.payment.succeeded"
HEADER = "reference,account_or_msisdn,amount,currency,paid_at"


def _msisdn() -> str:
    return f"+3736{uuid.uuid4().int % 10**7:07d}"


async def _upload(client: httpx.AsyncClient, secret: TokenSigner, rows: list[str],
                  header: str = HEADER, separator: str = ",") -> dict[str, Any]:
    text = "\n".join([header, *rows]) + "\n"
    if separator != ",":
        text = text.replace(",", separator)
    response = await client.post("/v1/payment-registries", content=text.encode(),
                                 headers=bearer(secret, Role.PARTNER) | {"Content-Type": "text/csv"})
    assert response.status_code == 201, response.text
    report: dict[str, Any] = response.json()
    return report


def _rows_url(registry_id: str) -> str:
    return f"/v1/payment-registries/{registry_id}/rows"


async def _assign(client: httpx.AsyncClient, secret: TokenSigner, registry_id: str, row: int,
                  **who: str) -> httpx.Response:
    return await client.post(f"{_rows_url(registry_id)}/{row}/assignment", json=who,
                             headers=bearer(secret))


async def _history(client: httpx.AsyncClient, secret: TokenSigner, account_id: str) -> list[Any]:
    page = await client.get(f"/v1/accounts/{account_id}/payments", headers=bearer(secret))
    assert page.status_code == 200, page.text
    return [p for p in page.json()["items"] if p["channel"] == "registry"]


async def test_unmatched_rows_are_kept_with_their_problem_and_listed_a_page_at_a_time(
    client: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    msisdn = _msisdn()
    owner = await open_account(client, settings.amqp_url, token_signer, currency="MDL", msisdn=msisdn)
    other = await open_account(client, settings.amqp_url, token_signer, currency="MDL")
    both = _msisdn()  # an account's number and another account's phone number at once
    await open_account(client, settings.amqp_url, token_signer, currency="MDL", account_id=both)
    await open_account(client, settings.amqp_url, token_signer, currency="MDL", msisdn=both)
    tag = uuid.uuid4().hex[:8]
    report = await _upload(client, token_signer, [
        f"{tag}-1,{owner},10.00,MDL,", f"{tag}-2,{_msisdn()},20.00,MDL,",
        f"{tag}-3,{other},30.00,EUR,", f",{other},40.00,MDL,", f"{tag}-5,{other},1.001,MDL,",
        f"{tag}-6,{other},6.00,MDL,yesterday", f"{tag}-7,{msisdn},7.00,MDL,",
        f"{tag}-8,{both},8.00,MDL,"], separator=";")
    assert (report["rows"], report["matched"]) == (8, 2)
    partner = bearer(token_signer, Role.PARTNER)
    first = (await client.get(_rows_url(report["id"]), params={"status": "unmatched", "limit": 3},
                              headers=partner)).json()
    rest = (await client.get(_rows_url(report["id"]), params={
        "status": "unmatched", "after": first["next_after"]}, headers=partner)).json()
    rows = first["items"] + rest["items"]
    assert [(r["row"], r["problem"]) for r in rows] == [
        (2, "unknown_account"), (3, "currency_mismatch"), (4, "no_reference"),
        (5, "invalid_amount"), (6, "invalid_paid_at"), (8, "ambiguous")]
    assert first["next_after"] == 4 and rest["next_after"] is None
    assert all(r["status"] == "unmatched" and r["reason"] for r in rows)
    matched = (await client.get(_rows_url(report["id"]), params={"status": "matched"},
                                headers=bearer(token_signer))).json()["items"]
    assert [(r["row"], r["payment_id"] is not None) for r in matched] == [(1, True), (7, True)]


async def test_an_operator_assigns_a_row_once_and_it_is_paid_with_its_own_date(
    client: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    msisdn = _msisdn()
    async with tap_events(settings.amqp_url, [SUCCEEDED]) as tap:
        account = await open_account(client, settings.amqp_url, token_signer, currency="MDL",
                                     msisdn=msisdn)
        rival = await open_account(client, settings.amqp_url, token_signer, currency="MDL")
        tag = uuid.uuid4().hex[:8]
        report = await _upload(client, token_signer, [
            f"{tag}-1,+37300000000,123.45,MDL,2026-02-03T10:00:00+02:00"])
        registry_id = report["id"]
        before = await row_counts(settings.dsn)
        racing = await asyncio.gather(_assign(client, token_signer, registry_id, 1, msisdn=msisdn),
                                      _assign(client, token_signer, registry_id, 1, account_id=rival))
        winner = next(r for r in racing if r.status_code == 200).json()
        again = await _assign(client, token_signer, registry_id, 1, account_id=winner["account_id"])
        events = await tap.wait_for(SUCCEEDED, payment_id=winner["payment_id"])
    assert sorted(r.status_code for r in racing) == [200, 409]
    loser = next(r for r in racing if r.status_code == 409)
    assert loser.json()["type"].endswith("/registry-row-settled")
    assert (again.status_code, again.json()) == (200, winner)
    assert winner["status"] == "assigned" and winner["resolved_by"] == "operator:test-operator"
    assert winner["account_id"] in (account, rival)
    assert [e.data["amount"] for e in events] == ["123.45"]
    paid = [*await _history(client, token_signer, account), *await _history(client, token_signer, rival)]
    assert [(p["id"], p["beneficiary"], p["amount"], p["reference"]) for p in paid] == [
        (winner["payment_id"], winner["account_id"], "123.45", f"{tag}-1")]
    payment = (await client.get(f"/v1/payments/{winner['payment_id']}",
                                headers=bearer(token_signer))).json()
    assert payment["paid_at"] == "2026-02-03T08:00:00Z" and payment["payer"] == "partner:test-partner"
    counts = await row_counts(settings.dsn)
    assert counts["payments"] == before["payments"] + 1
    trail = await audit_rows(client, "registry_row", f"{registry_id}/1")
    assert [(r["action"], r["before"]["status"], r["after"]["status"]) for r in trail] == [
        ("registry_row.assigned", "unmatched", "assigned")]


async def test_a_row_is_returned_or_closed_and_an_unusable_row_only_rejected(
    client: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    account = await open_account(client, settings.amqp_url, token_signer, currency="MDL")
    tag = uuid.uuid4().hex[:8]
    report = await _upload(client, token_signer, [
        f"{tag}-1,nobody,5.00,MDL,", f"{tag}-2,{account},-5.00,MDL,", f"{tag}-3,nobody,5.00,MDL,"])
    url = _rows_url(report["id"])
    operator = bearer(token_signer)
    unusable = await _assign(client, token_signer, report["id"], 2, account_id=account)
    returned = await client.post(f"{url}/1/rejection", headers=operator,
                                 json={"outcome": "return", "reason": "payer unknown"})
    closed = await client.post(f"{url}/2/rejection", headers=operator,
                               json={"outcome": "close", "reason": "bank's test row"})
    closed_again = await client.post(f"{url}/2/rejection", headers=operator,
                                     json={"outcome": "close", "reason": "bank's test row"})
    returned_then_paid = await _assign(client, token_signer, report["id"], 1, account_id=account)
    other_currency = await _assign(client, token_signer, report["id"], 3,
                                   account_id=await open_account(client, settings.amqp_url,
                                                                 token_signer, currency="RON"))
    assert (unusable.status_code, unusable.json()["type"].split("/")[-1]) == (
        422, "registry-row-unassignable")
    assert (returned.status_code, returned.json()["status"], returned.json()["reason"]) == (
        200, "returned", "payer unknown")
    assert (closed.status_code, closed.json()["status"]) == (200, "closed")
    assert closed_again.json() == closed.json()
    assert returned_then_paid.status_code == 409
    assert other_currency.status_code == 422
    partner_view = (await client.get(url, params={"status": "returned"},
                                     headers=bearer(token_signer, Role.PARTNER))).json()["items"]
    assert [r["row"] for r in partner_view] == [1]
    assert await _history(client, token_signer, account) == []


def _other_partner(secret: TokenSigner) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret.issue(Principal('other-bank', Role.PARTNER, None))}"}


@pytest.mark.parametrize(("name", "method", "path", "body", "status"), [
    ("another partner's registry", "GET", "", None, 404),
    ("subscriber lists", "GET", "", None, 403),
    ("partner assigns", "POST", "/1/assignment", {"account_id": "x"}, 403),
    ("row 0", "POST", "/0/assignment", {"account_id": "x"}, 422),
    ("row beyond int4", "POST", f"/{2**40}/assignment", {"account_id": "x"}, 422),
    ("unknown row", "POST", "/99/assignment", {"account_id": "x"}, 404),
    ("both beneficiaries", "POST", "/1/assignment", {"account_id": "x", "msisdn": "+37369000001"}, 422),
    ("no such account", "POST", "/1/assignment", {"account_id": "nobody-else"}, 422),
    ("control character", "POST", "/1/assignment", {"account_id": "a\x00b"}, 422),
    ("reason with ESC", "POST", "/1/rejection", {"outcome": "close", "reason": "x\x1b[2J"}, 422),
    ("unknown outcome", "POST", "/1/rejection", {"outcome": "refund", "reason": "x"}, 422),
    ("status unknown", "GET", "?status=lost", None, 422),
    ("page too big", "GET", "?limit=100000", None, 422),
])
async def test_wrong_requests_about_rows_are_refused_and_change_nothing(
    client: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner,
    name: str, method: str, path: str, body: dict[str, str] | None, status: int,
) -> None:
    report = await _upload(client, token_signer, [f"{uuid.uuid4().hex[:8]},nobody,5.00,MDL,"])
    headers = {"another partner's registry": _other_partner(token_signer),
               "subscriber lists": bearer(token_signer, Role.SUBSCRIBER, "a1"),
               "partner assigns": bearer(token_signer, Role.PARTNER)}.get(name, bearer(token_signer))
    before = await row_counts(settings.dsn)
    response = await client.request(method, _rows_url(report["id"]) + path, json=body,
                                    headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert await row_counts(settings.dsn) == before


async def test_an_unknown_registry_has_no_rows(client: httpx.AsyncClient,
                                               token_signer: TokenSigner) -> None:
    for path in ("", "/1/assignment"):
        method = "GET" if not path else "POST"
        response = await client.request(method, _rows_url(str(uuid.uuid4())) + path,
                                        json={"account_id": "a"} if path else None,
                                        headers=bearer(token_signer))
        assert response.status_code == 404, response.text


async def test_the_queue_across_registries_pages_oldest_first_each_sender_its_own(
    client: httpx.AsyncClient, settings: PaymentsSettings, token_signer: TokenSigner
) -> None:
    tag = uuid.uuid4().hex[:8]
    first = await _upload(client, token_signer, [f"{tag}-1,nobody,1.00,MDL,", f"{tag}-2,x,-1,MDL,"])
    second = await _upload(client, token_signer, [f"{tag}-3,nobody,3.00,MDL,"])
    other_bank = await client.post(
        "/v1/payment-registries", headers=_other_partner(token_signer) | {"Content-Type": "text/csv"},
        content=f"{HEADER}\n{tag}-4,nobody,4.00,MDL,\n".encode())
    assert other_bank.status_code == 201, other_bank.text
    await client.post(f"{_rows_url(second['id'])}/1/rejection", headers=bearer(token_signer),
                      json={"outcome": "close", "reason": "test row"})
    pages, cursor = [], None
    while True:
        page = (await client.get("/v1/payment-registry-rows", headers=bearer(token_signer),
                                 params={"limit": 2} | ({"cursor": cursor} if cursor else {}))).json()
        pages.append([r["reference"] for r in page["items"]])
        if (cursor := page["next_cursor"]) is None:
            break
    assert pages == [[f"{tag}-1", f"{tag}-2"], [f"{tag}-4"]]
    mine = (await client.get("/v1/payment-registry-rows", params={"status": "any"},
                             headers=bearer(token_signer, Role.PARTNER))).json()["items"]
    assert [(r["reference"], r["status"]) for r in mine] == [
        (f"{tag}-1", "unmatched"), (f"{tag}-2", "unmatched"), (f"{tag}-3", "closed")]
    amounts = (await client.get("/v1/payment-registry-rows", params={"problem": "invalid_amount"},
                                headers=bearer(token_signer))).json()["items"]
    assert [r["reference"] for r in amounts] == [f"{tag}-2"]
    for bad in ({"cursor": "bm90IGEgY3Vyc29y"}, {"cursor": "%%%"}, {"problem": "lost"},
                {"status": "gone"}, {"limit": 0}):
        refused = await client.get("/v1/payment-registry-rows", params=bad, headers=bearer(token_signer))
        assert refused.status_code == 422, (bad, refused.text)
    assert first["id"] != second["id"]
