"""One-time code access (A10): a code texted to an active line, exchanged for a token.

Asking always looks the same to the caller, whether the number is known or not; the limits per
number and per client count every request alike. The code leaves the service only through the
``CodeSender``, after the challenge (holding its keyed hash, never the code) is committed.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime

from tarifa.auth import Principal, Role

from accounts.domain.account import AccountStatus
from accounts.domain.errors import InvalidCode, TooManyRequests
from accounts.domain.line import Line, normalise_msisdn
from accounts.domain.otp import Challenge, CodeHasher, OneTimeCode, new_code
from accounts.domain.policy import OtpPolicy
from accounts.service.ports import CodeSender, TokenIssuer, UnitOfWork
from accounts.service.tokens import IssuedToken

__all__ = ["OtpServices", "request_code", "verify_code"]


@dataclass(frozen=True, slots=True)
class OtpServices:
    """What the code use cases need besides a unit of work."""

    hasher: CodeHasher
    sender: CodeSender
    issuer: TokenIssuer
    policy: OtpPolicy


async def _check_limits(uow: UnitOfWork, msisdn: str, client: str, policy: OtpPolicy) -> None:
    since = uow.clock.now() - policy.window
    for key, limit in (({"msisdn": msisdn}, policy.per_number),
                       ({"client": client}, policy.per_client)):
        if await uow.otp_requests.count(since, **key) >= limit:
            oldest = await uow.otp_requests.oldest(since, **key) or uow.clock.now()
            wait = math.ceil((oldest + policy.window - uow.clock.now()).total_seconds())
            raise TooManyRequests("too many codes asked for; try again later",
                                  retry_after=max(wait, 1))


async def _open_line(uow: UnitOfWork, msisdn: str) -> tuple[Line, str] | None:
    """The number's active line on an open account, with the customer's language."""
    line = await uow.lines.active(msisdn)
    account = await uow.accounts.get(line.account_id) if line else None
    if line is None or account is None or account.status is AccountStatus.CLOSED:
        return None
    customer = await uow.customers.get(account.customer_id)
    return line, customer.language if customer else "ro"


async def _challenge(uow: UnitOfWork, line: Line, language: str,
                     services: OtpServices) -> OneTimeCode:
    """A new live challenge for the line, voiding older ones; the code goes to the sender only."""
    now, code, challenge_id = uow.clock.now(), new_code(), str(uuid.uuid4())
    expires_at = now + services.policy.validity
    await uow.otp_challenges.void_live(line.msisdn)
    await uow.otp_challenges.add(Challenge(
        challenge_id, line.msisdn, line.account_id,
        services.hasher.digest(challenge_id, line.msisdn, code), now, expires_at))
    return OneTimeCode(line.msisdn, code, language, expires_at)


async def request_code(uow: UnitOfWork, services: OtpServices, msisdn: str,
                       client: str) -> None:
    """Text a fresh code to an active line; an unknown number is answered the same way."""
    number = normalise_msisdn(msisdn)
    message: OneTimeCode | None = None
    async with uow:
        await uow.otp_requests.hold(number)
        await _check_limits(uow, number, client, services.policy)
        await uow.otp_requests.record(uow.clock.now(), number, client)
        found = await _open_line(uow, number)
        if found is not None:
            message = await _challenge(uow, *found, services)
        await uow.commit()
    if message is not None:
        services.sender.send(message)


def _exchange(challenge: Challenge, code: str, now: datetime,
              services: OtpServices) -> Challenge:
    """The challenge after this try: used when the code matches, one try nearer the void if not."""
    if services.hasher.matches(challenge, code):
        return challenge.used(now)
    return challenge.missed(services.policy.max_tries)


async def verify_code(uow: UnitOfWork, services: OtpServices, msisdn: str,
                      code: str) -> IssuedToken:
    """A subscriber token for the line's account; ``InvalidCode`` for any code that fails."""
    number = normalise_msisdn(msisdn)
    async with uow:
        challenge = await uow.otp_challenges.live(number, uow.clock.now())
        if challenge is None:
            raise InvalidCode("the code is wrong, expired or used")
        after = _exchange(challenge, code, uow.clock.now(), services)
        await uow.otp_challenges.save(after)
        await uow.commit()
    if after.used_at is None:
        raise InvalidCode("the code is wrong, expired or used")
    principal = Principal(f"msisdn:{number}", Role.SUBSCRIBER, after.account_id)
    return IssuedToken(services.issuer.issue(principal),
                       int(services.issuer.ttl.total_seconds()))
