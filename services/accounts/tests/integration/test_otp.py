"""One-time code access (A10) against real PostgreSQL and RabbitMQ: the code is read from the
``notifications.otp`` queue as the notifications service would read it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import aio_pika
import httpx
import pytest
import pytest_asyncio
import structlog
from accounts.bootstrap import MIGRATIONS, build_app
from accounts.settings import AccountsSettings
from aio_pika.abc import AbstractIncomingMessage
from asgi_lifespan import LifespanManager
from tarifa.db import prepare_database
from tarifa.tokens import TokenSigner

from .conftest import new_msisdn

OTP_QUEUE = "notifications.otp"
NewAccount = Callable[..., Awaitable[str]]
PublishPlan = Callable[..., Awaitable[str]]
AddLine = Callable[..., Awaitable[httpx.Response]]
Problem = Callable[[httpx.Response, int], str]
MoveClock = Callable[[datetime], Awaitable[None]]


class CodeInbox:
    """The messages seen on ``notifications.otp``, by number."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.raw: list[AbstractIncomingMessage] = []
        self._arrived = asyncio.Condition()

    async def on_message(self, message: AbstractIncomingMessage) -> None:
        async with message.process():
            body = json.loads(message.body)
        async with self._arrived:
            self.messages.append(body)
            self.raw.append(message)
            self._arrived.notify_all()

    def of(self, msisdn: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["msisdn"] == msisdn]

    async def wait_for(self, msisdn: str, count: int = 1) -> list[dict[str, Any]]:
        async with self._arrived:
            await asyncio.wait_for(self._arrived.wait_for(lambda: len(self.of(msisdn)) >= count),
                                   20)
        return self.of(msisdn)


@pytest_asyncio.fixture
async def codes(client: httpx.AsyncClient, settings: AccountsSettings) -> AsyncIterator[CodeInbox]:
    """Consume ``notifications.otp`` (declared by the running service) for the test."""
    connection = await aio_pika.connect(settings.amqp_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(OTP_QUEUE, passive=True)
        inbox = CodeInbox()
        await queue.consume(inbox.on_message)
        yield inbox


@pytest.fixture
def log_lines(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> list[str]:
    """Every structlog line printed, and (through caplog) every standard library record from
    INFO up (the services run the standard library loggers at WARNING; at DEBUG, aiormq
    prints whole frames, message bodies included)."""
    lines: list[str] = []
    original = structlog.PrintLogger.msg

    def capture(self: structlog.PrintLogger, message: str) -> None:
        lines.append(message)
        original(self, message)

    for name in ("msg", "log", "debug", "info", "warn", "warning", "err", "error", "critical",
                 "exception", "fatal", "failure"):
        if hasattr(structlog.PrintLogger, name):
            monkeypatch.setattr(structlog.PrintLogger, name, capture)
    caplog.set_level("INFO")
    return lines


@pytest.fixture
def line_of(new_account: NewAccount, publish_plan: PublishPlan,
            add_line: AddLine) -> Callable[..., Awaitable[tuple[str, str]]]:
    """An account with an active line; returns (account id, msisdn)."""

    async def make(**account: Any) -> tuple[str, str]:
        account_id, msisdn = await new_account(**account), new_msisdn()
        response = await add_line(account_id, msisdn=msisdn, plan_code=await publish_plan())
        assert response.status_code == 201, response.text
        return account_id, msisdn

    return make


async def _ask(client: httpx.AsyncClient, msisdn: str) -> httpx.Response:
    return await client.post("/v1/auth/otp", json={"msisdn": msisdn})


async def _verify(client: httpx.AsyncClient, msisdn: str, code: str) -> httpx.Response:
    return await client.post("/v1/auth/otp/verify", json={"msisdn": msisdn, "code": code})


def _other(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


async def test_a_code_from_the_queue_opens_a_subscriber_session_for_the_line_account(
    client: httpx.AsyncClient, codes: CodeInbox, token_signer: TokenSigner,
    line_of: Callable[..., Awaitable[tuple[str, str]]], log_lines: list[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    account_id, msisdn = await line_of()
    asked = await _ask(client, f"+{msisdn}")
    assert (asked.status_code, asked.json()) == (202, {"expires_in": 900})
    [message] = await codes.wait_for(msisdn)
    assert set(message) == {"msisdn", "code", "language", "expires_at"}
    assert (len(message["code"]), message["code"].isdigit(), message["language"]) == (6, True, "ro")
    expires_at = datetime.fromisoformat(message["expires_at"])
    assert timedelta(minutes=14) < expires_at - datetime.now(UTC) <= timedelta(minutes=15)
    [raw] = [r for r in codes.raw if json.loads(r.body)["msisdn"] == msisdn]
    assert (raw.delivery_mode, raw.exchange, raw.routing_key) == (
        aio_pika.DeliveryMode.PERSISTENT, "", OTP_QUEUE)
    assert raw.message_id and raw.content_type == "application/json"
    verified = await _verify(client, msisdn, message["code"])
    assert verified.status_code == 200, verified.text
    token = verified.json()
    assert (token["token_type"], token["expires_in"]) == ("bearer", 3600)
    principal = await token_signer.verifier().verify(token["access_token"])
    assert (principal.role, principal.account_id) == ("subscriber", account_id)
    own = {"Authorization": f"Bearer {token['access_token']}"}
    assert (await client.get(f"/v1/accounts/{account_id}", headers=own)).status_code == 200
    logged = "\n".join(log_lines + [r.getMessage() for r in caplog.records])
    assert "otp" in logged and message["code"] not in logged


async def test_an_unknown_number_gets_the_same_answer_and_no_message(
    client: httpx.AsyncClient, codes: CodeInbox,
    line_of: Callable[..., Awaitable[tuple[str, str]]],
) -> None:
    _, known = await line_of()
    unknown = new_msisdn()
    answers = [await _ask(client, number) for number in (unknown, known)]
    assert [(a.status_code, a.json()) for a in answers] == [(202, {"expires_in": 900})] * 2
    await codes.wait_for(known)
    assert codes.of(unknown) == []
    assert (await _verify(client, unknown, "000000")).status_code == 401


async def test_a_wrong_code_is_refused_and_the_right_one_still_works(
    client: httpx.AsyncClient, codes: CodeInbox, problem: Problem,
    line_of: Callable[..., Awaitable[tuple[str, str]]],
) -> None:
    _, msisdn = await line_of()
    await _ask(client, msisdn)
    [message] = await codes.wait_for(msisdn)
    assert problem(await _verify(client, msisdn, _other(message["code"])), 401) == "invalid-code"
    assert problem(await _verify(client, msisdn, "12"), 401) == "invalid-code"
    assert (await _verify(client, msisdn, message["code"])).status_code == 200


async def test_five_wrong_tries_void_the_code(
    client: httpx.AsyncClient, codes: CodeInbox, problem: Problem,
    line_of: Callable[..., Awaitable[tuple[str, str]]],
) -> None:
    _, msisdn = await line_of()
    await _ask(client, msisdn)
    [message] = await codes.wait_for(msisdn)
    for _ in range(5):
        problem(await _verify(client, msisdn, _other(message["code"])), 401)
    problem(await _verify(client, msisdn, message["code"]), 401)


async def test_a_code_is_used_once(
    client: httpx.AsyncClient, codes: CodeInbox, problem: Problem,
    line_of: Callable[..., Awaitable[tuple[str, str]]],
) -> None:
    _, msisdn = await line_of()
    await _ask(client, msisdn)
    [message] = await codes.wait_for(msisdn)
    assert (await _verify(client, msisdn, message["code"])).status_code == 200
    problem(await _verify(client, msisdn, message["code"]), 401)


async def test_a_code_expires_after_its_validity(
    client: httpx.AsyncClient, codes: CodeInbox, problem: Problem, move_clock: MoveClock,
    line_of: Callable[..., Awaitable[tuple[str, str]]],
) -> None:
    _, msisdn = await line_of()
    start = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)
    await move_clock(start)
    await _ask(client, msisdn)
    [message] = await codes.wait_for(msisdn)
    expires_at = datetime.fromisoformat(message["expires_at"])
    assert start + timedelta(minutes=15) <= expires_at < start + timedelta(minutes=16)
    await move_clock(start + timedelta(minutes=15, seconds=1))
    problem(await _verify(client, msisdn, message["code"]), 401)


async def test_a_newer_code_voids_the_older_one(
    client: httpx.AsyncClient, codes: CodeInbox, problem: Problem,
    line_of: Callable[..., Awaitable[tuple[str, str]]],
) -> None:
    _, msisdn = await line_of()
    await _ask(client, msisdn)
    await codes.wait_for(msisdn)
    await _ask(client, msisdn)
    first, second = await codes.wait_for(msisdn, count=2)
    if first["code"] != second["code"]:
        problem(await _verify(client, msisdn, first["code"]), 401)
    assert (await _verify(client, msisdn, second["code"])).status_code == 200


async def test_a_number_may_ask_five_times_an_hour_known_or_not(
    client: httpx.AsyncClient, codes: CodeInbox, problem: Problem, move_clock: MoveClock,
    line_of: Callable[..., Awaitable[tuple[str, str]]],
) -> None:
    _, known = await line_of()
    unknown = new_msisdn()
    start = datetime(2027, 7, 1, 8, 0, tzinfo=UTC)
    await move_clock(start)
    for number in (known, unknown):
        assert [(await _ask(client, number)).status_code for _ in range(5)] == [202] * 5
        refused = await _ask(client, number)
        assert problem(refused, 429) == "too-many-codes"
        assert 0 < refused.json()["retry_after"] <= 3600
    assert len(await codes.wait_for(known, count=5)) == 5
    await move_clock(start + timedelta(hours=1, minutes=1))
    assert (await _ask(client, known)).status_code == 202
    assert len(await codes.wait_for(known, count=6)) == 6


@asynccontextmanager
async def _clients(settings: AccountsSettings,
                   *addresses: str) -> AsyncIterator[list[httpx.AsyncClient]]:
    """One app, and a client per remote address."""
    await prepare_database(MIGRATIONS, settings.dsn)
    async with LifespanManager(build_app(settings), startup_timeout=60) as manager:
        clients = [httpx.AsyncClient(base_url="http://test", transport=httpx.ASGITransport(
            app=manager.app, client=(address, 40000))) for address in addresses]
        try:
            yield clients
        finally:
            for client in clients:
                await client.aclose()


async def test_a_client_address_may_ask_a_limited_number_of_codes(
    settings: AccountsSettings, problem: Problem,
) -> None:
    limited = settings.model_copy(update={"otp_per_client": 3})
    async with _clients(limited, "198.51.100.7", "198.51.100.8") as (first, second):
        answers = [(await _ask(first, new_msisdn())).status_code for _ in range(3)]
        assert answers == [202] * 3
        problem(await _ask(first, new_msisdn()), 429)
        assert (await _ask(second, new_msisdn())).status_code == 202


@pytest.mark.parametrize("body", [{}, {"msisdn": "12"}, {"msisdn": "+37369000001", "x": 1},
                                  {"msisdn": 37369000001}])
async def test_a_malformed_request_is_refused(
    client: httpx.AsyncClient, problem: Problem, body: dict[str, Any],
) -> None:
    problem(await client.post("/v1/auth/otp", json=body), 422)
    problem(await client.post("/v1/auth/otp/verify", json=body | {"code": "123456"}), 422)
