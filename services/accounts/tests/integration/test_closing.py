"""Closing lines and accounts over HTTP on the real PostgreSQL and RabbitMQ: events, audit,
the number's quarantine, and what a closed account refuses."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from accounts.settings import AccountsSettings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from tarifa.auth import Role
from tarifa.testing.apps import bearer
from tarifa.testing.events import tap_events
from tarifa.tokens import TokenSigner

NewAccount = Callable[..., Awaitable[str]]
PublishPlan = Callable[..., Awaitable[str]]
AddLine = Callable[..., Awaitable[httpx.Response]]
Problem = Callable[[httpx.Response, int], str]
CLOSED = ["accounts.line.closed", "accounts.account.closed"]
CHISINAU = ZoneInfo("Europe/Chisinau")


def _msisdn() -> str:
    return f"3736{uuid.uuid4().int % 10**7:07d}"


async def _close_line(client: httpx.AsyncClient, operator: dict[str, str], msisdn: str,
                      **body: Any) -> httpx.Response:
    return await client.post(f"/v1/lines/{msisdn}/closure", json=body, headers=operator)


async def test_a_closed_line_is_announced_and_its_number_waits_out_the_quarantine(
    client: httpx.AsyncClient, operator: dict[str, str], settings: AccountsSettings,
    new_account: NewAccount, publish_plan: PublishPlan, add_line: AddLine, problem: Problem,
    move_clock: Callable[[datetime], Awaitable[None]],
    audit_actions: Callable[[str], Awaitable[list[str]]],
) -> None:
    account_id, other, plan, msisdn = (await new_account(), await new_account(),
                                       await publish_plan(), _msisdn())
    assert (await add_line(account_id, msisdn=msisdn, plan_code=plan)).status_code == 201
    async with tap_events(settings.amqp_url, CLOSED) as tap:
        closed = await _close_line(client, operator, f"+{msisdn}", reason="customer moved")
        assert closed.status_code == 200, closed.text
        [event] = await tap.wait_for("accounts.line.closed", msisdn=msisdn)
    body = closed.json()
    closed_at = datetime.fromisoformat(body["closed_at"])
    free_from = datetime.fromisoformat(body["number_free_from"])
    assert (body["status"], body["account_id"], free_from - closed_at) == (
        "closed", account_id, timedelta(days=90))
    assert event.subject == account_id
    assert (event.data["account_id"], event.data["reason"]) == (account_id, "customer moved")
    assert datetime.fromisoformat(event.data["number_free_from"]) == free_from
    [line] = (await client.get(f"/v1/accounts/{account_id}/lines", headers=operator)).json()
    assert line["status"] == "closed"
    assert problem(await _close_line(client, operator, msisdn), 404) == "not-found"
    taken = await add_line(other, msisdn=msisdn, plan_code=plan)
    assert problem(taken, 409) == "msisdn-taken"
    assert free_from.isoformat() in taken.json()["detail"]
    await move_clock(free_from + timedelta(minutes=1))
    reused = await add_line(other, msisdn=msisdn, plan_code=plan)
    assert reused.status_code == 201, reused.text
    [closed_id] = await _closed_line_ids(settings, msisdn)
    assert await audit_actions(closed_id) == ["line.activated", "line.closed"]


async def _closed_line_ids(settings: AccountsSettings, msisdn: str) -> list[str]:
    engine = create_async_engine(settings.dsn)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(text(
                "SELECT id FROM lines WHERE msisdn = :m AND status = 'closed'"), {"m": msisdn})
            return [row[0] for row in rows]
    finally:
        await engine.dispose()


async def test_closing_an_account_closes_its_lines_and_refuses_new_ones(
    client: httpx.AsyncClient, operator: dict[str, str], settings: AccountsSettings,
    token_signer: TokenSigner, new_account: NewAccount, publish_plan: PublishPlan,
    add_line: AddLine, problem: Problem,
    audit_actions: Callable[[str], Awaitable[list[str]]],
) -> None:
    account_id, plan = await new_account(), await publish_plan()
    numbers = sorted([_msisdn(), _msisdn()])
    for msisdn in numbers:
        assert (await add_line(account_id, msisdn=msisdn, plan_code=plan)).status_code == 201
    path = f"/v1/accounts/{account_id}/closure"
    subscriber = bearer(token_signer, Role.SUBSCRIBER, account_id=account_id)
    assert problem(await client.post(path, json={}, headers=subscriber), 403)
    assert problem(await client.post(path, json={"reason": "x\x00"}, headers=operator), 422)
    async with tap_events(settings.amqp_url, CLOSED) as tap:
        closed = await client.post(path, json={"reason": "contract ended"}, headers=operator)
        assert closed.status_code == 200, closed.text
        [account_event] = await tap.wait_for("accounts.account.closed", account_id=account_id)
        lines_closed = await tap.wait_for("accounts.line.closed", count=2,
                                          account_id=account_id)
    assert closed.json()["status"] == "closed"
    assert sorted(e.data["msisdn"] for e in lines_closed) == numbers
    assert account_event.data["reason"] == "contract ended"
    closed_at = datetime.fromisoformat(account_event.data["closed_at"])
    assert account_event.data["closed_on"] == closed_at.astimezone(CHISINAU).date().isoformat()
    listed = (await client.get(f"/v1/accounts/{account_id}/lines", headers=operator)).json()
    assert [line["status"] for line in listed] == ["closed", "closed"]
    assert problem(await add_line(account_id, msisdn=_msisdn(), plan_code=plan), 422)
    assert problem(await client.post(path, json={}, headers=operator), 409) == "account-closed"
    assert (await audit_actions(account_id))[-1] == "account.closed"
    assert len(await audit_actions(account_id)) == len(set(await audit_actions(account_id)))
