"""One-time codes, the postpaid grace period and bonus redemption: rules and use cases on fakes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from accounts.domain.account import Account, AccountStatus, BillDelivery, DeliveryMedium, PaymentMode
from accounts.domain.bonus import credit_for, redeem
from accounts.domain.customer import Customer, CustomerKind, Language
from accounts.domain.errors import InvalidCode, InvalidRequest, TooManyRequests
from accounts.domain.invoices import blocking_instant, grace_end
from accounts.domain.line import Line
from accounts.domain.otp import Challenge, CodeHasher, new_code
from accounts.domain.policy import OtpPolicy
from accounts.service.otp import OtpServices, request_code, verify_code
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from tarifa.tokens import TokenSigner

from .conftest import NOW
from .fakes_otp import FakeCodeSender

HASHER = CodeHasher(b"k" * 32)


@pytest.mark.parametrize(("due", "days", "end"), [
    (date(2027, 3, 16), None, date(2027, 3, 31)),
    (date(2028, 2, 16), None, date(2028, 2, 29)),
    (date(2027, 12, 31), None, date(2027, 12, 31)),
    (date(2027, 3, 16), 10, date(2027, 3, 26)),
    (date(2027, 3, 16), 0, date(2027, 3, 16)),
])
def test_the_grace_period_ends_with_the_month_or_after_some_days(
    due: date, days: int | None, end: date,
) -> None:
    assert grace_end(due, days) == end
    blocks = blocking_instant(due, "Europe/Chisinau", days)
    assert blocks == datetime.combine(end + timedelta(days=1), datetime.min.time(),
                                      tzinfo=ZoneInfo("Europe/Chisinau"))


def test_codes_are_six_digits_and_only_their_hash_matches() -> None:
    codes = {new_code() for _ in range(200)}
    assert all(len(code) == 6 and code.isdigit() for code in codes) and len(codes) > 150
    challenge = Challenge("c1", "37369000001", "a1", HASHER.digest("c1", "37369000001", "012345"),
                          NOW, NOW + timedelta(minutes=15))
    assert "012345" not in challenge.code_hash
    assert HASHER.matches(challenge, "012345") and not HASHER.matches(challenge, "012346")
    other_key = CodeHasher(b"x" * 32)
    assert not other_key.matches(challenge, "012345")
    moved = replace(challenge, id="c2")
    assert not HASHER.matches(moved, "012345")


def test_a_challenge_is_live_until_used_voided_or_expired() -> None:
    challenge = Challenge("c1", "37369000001", "a1", "h", NOW, NOW + timedelta(minutes=15))
    assert challenge.live_at(NOW) and not challenge.live_at(NOW + timedelta(minutes=15))
    assert not challenge.used(NOW).live_at(NOW)
    tried = challenge
    for _ in range(4):
        tried = tried.missed(5)
    assert tried.live_at(NOW) and not tried.missed(5).live_at(NOW)


def _account(points: int = 300, currency: str = "MDL") -> Account:
    return Account("a1", "c1", PaymentMode.PREPAID, currency, "Europe/Chisinau",
                   BillDelivery(DeliveryMedium.EBILL, email="a@b.md"), NOW, bonus_points=points)


def test_redeeming_takes_points_within_what_is_held() -> None:
    assert redeem(_account(), 300).bonus_points == 0
    for points in (0, -1, 301):
        with pytest.raises(InvalidRequest):
            redeem(_account(), points)
    with pytest.raises(InvalidRequest):
        redeem(replace(_account(), status=AccountStatus.CLOSED), 1)
    assert credit_for(125, Decimal("0.01"), "MDL") == Decimal("1.25")
    assert credit_for(1, Decimal("0.005"), "EUR") == Decimal("0.01")
    assert credit_for(100, Decimal("0.015"), "JPY") == Decimal("2")


ISSUER = TokenSigner(Ed25519PrivateKey.generate())


def _services(policy: OtpPolicy | None = None) -> tuple[OtpServices, FakeCodeSender]:
    sender = FakeCodeSender()
    return OtpServices(HASHER, sender, ISSUER, policy or OtpPolicy()), sender


async def _line(uow: Any, msisdn: str = "37369000001") -> None:
    await uow.customers.add(Customer("c1", CustomerKind.PERSON, "Ana", Language.RU))
    await uow.accounts.add(replace(_account(), customer_id="c1"))
    await uow.lines.add(Line("l1", "a1", msisdn, "smart", NOW))


async def test_a_code_is_texted_in_the_customer_language_and_exchanged_once(uow: Any) -> None:
    await _line(uow)
    services, sender = _services()
    await request_code(uow, services, "+37369000001", "10.0.0.1")
    [sent] = sender.sent
    assert (sent.msisdn, sent.language, sent.expires_at) == (
        "37369000001", "ru", NOW + timedelta(minutes=15))
    [stored] = uow.otp_challenges.rows.values()
    assert sent.code not in repr(stored) and sent.code not in repr(sent)
    token = await verify_code(uow, services, "37369000001", sent.code)
    principal = await ISSUER.verifier().verify(token.access_token)
    assert (principal.role, principal.account_id) == ("subscriber", "a1")
    with pytest.raises(InvalidCode):
        await verify_code(uow, services, "37369000001", sent.code)


async def test_unknown_numbers_and_closed_accounts_get_no_code(uow: Any) -> None:
    await _line(uow)
    uow.accounts.rows["a1"] = replace(uow.accounts.rows["a1"], status=AccountStatus.CLOSED)
    services, sender = _services()
    await request_code(uow, services, "37369000001", "10.0.0.1")
    await request_code(uow, services, "37369000002", "10.0.0.1")
    assert sender.sent == [] and uow.otp_challenges.rows == {}
    assert len(uow.otp_requests.rows) == 2


async def test_the_limits_count_every_request_per_number_and_per_client(uow: Any) -> None:
    services, _ = _services(OtpPolicy(per_number=2, per_client=3))
    for _ in range(2):
        await request_code(uow, services, "37369000009", "10.0.0.1")
    with pytest.raises(TooManyRequests) as refused:
        await request_code(uow, services, "37369000009", "10.0.0.2")
    assert 0 < refused.value.retry_after <= 3600
    await request_code(uow, services, "37369000008", "10.0.0.1")
    with pytest.raises(TooManyRequests):
        await request_code(uow, services, "37369000007", "10.0.0.1")
    uow.clock.instant = NOW + timedelta(hours=1, seconds=1)
    await request_code(uow, services, "37369000009", "10.0.0.1")


async def test_wrong_tries_void_the_code_at_the_limit(uow: Any) -> None:
    await _line(uow)
    services, sender = _services(OtpPolicy(max_tries=2))
    await request_code(uow, services, "37369000001", "10.0.0.1")
    wrong = f"{(int(sender.sent[0].code) + 1) % 10**6:06d}"
    for _ in range(2):
        with pytest.raises(InvalidCode):
            await verify_code(uow, services, "37369000001", wrong)
    with pytest.raises(InvalidCode):
        await verify_code(uow, services, "37369000001", sender.sent[0].code)


async def test_an_expired_code_is_refused(uow: Any) -> None:
    await _line(uow)
    services, sender = _services()
    await request_code(uow, services, "37369000001", "10.0.0.1")
    uow.clock.instant = NOW + timedelta(minutes=15)
    with pytest.raises(InvalidCode):
        await verify_code(uow, services, "37369000001", sender.sent[0].code)
