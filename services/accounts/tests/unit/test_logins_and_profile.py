"""Login lockout, setup codes, passwords and profile changes, without any I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from accounts.adapters.passwords import Argon2Hasher
from accounts.domain.account import BillDelivery, DeliveryMedium
from accounts.domain.customer import Customer, CustomerKind, Language
from accounts.domain.errors import InvalidRequest
from accounts.domain.logins import (
    Login,
    check_password,
    new_login,
    new_setup_code,
    normalise_login,
)
from accounts.domain.policy import LoginPolicy

T0 = datetime(2026, 5, 1, tzinfo=UTC)
POLICY = LoginPolicy(max_failures=3, lockout=timedelta(minutes=15))
CUSTOMER = Customer("c1", CustomerKind.PERSON, "Ana", Language.RO, email="ana@example.md",
                    phone="+37369000001", address="Chișinău")


def test_the_last_allowed_failure_locks_for_the_policy_time_and_a_success_starts_over() -> None:
    login = Login("a1", "ana", T0, password_hash="h")
    for _ in range(2):
        login = login.failed(T0, POLICY)
    assert (login.failures, login.locked_at(T0)) == (2, False)
    assert login.passed().failures == 0
    locked = login.failed(T0, POLICY)
    assert locked.locked_at(T0 + timedelta(minutes=14, seconds=59))
    assert not locked.locked_at(T0 + timedelta(minutes=15))


def test_a_password_spends_the_setup_code_and_a_reset_forgets_the_password() -> None:
    login = Login("a1", "ana", T0, setup_hash="s", setup_expires_at=T0 + timedelta(days=1),
                  failures=2)
    assert login.setup_live_at(T0) and not login.setup_live_at(T0 + timedelta(days=1))
    with_password = login.with_password("$argon2id$secret-hash", T0)
    assert (with_password.setup_hash, with_password.password_hash, with_password.failures) == (
        None, "$argon2id$secret-hash", 0)
    reset = with_password.failed(T0, POLICY).reissued("$argon2id$setup-hash", T0 + timedelta(days=2))
    assert (reset.password_hash, reset.setup_hash, reset.failures) == (None, "$argon2id$setup-hash", 0)
    assert "secret-hash" not in repr(with_password) and "setup-hash" not in repr(reset)


@pytest.mark.parametrize("given, stored", [("Ion.Popescu", "ion.popescu"), (" 0123 ", "0123"),
                                           ("ion@mail.md", "ion@mail.md")])
def test_logins_are_stored_trimmed_in_lower_case(given: str, stored: str) -> None:
    assert normalise_login(given) == stored


@pytest.mark.parametrize("bad", ["ab", "-ion", "ion popescu", "ión", "x" * 65, ""])
def test_malformed_logins_are_refused(bad: str) -> None:
    with pytest.raises(InvalidRequest):
        normalise_login(bad)


def test_drawn_logins_and_setup_codes_differ_and_have_their_shape() -> None:
    logins, codes = {new_login() for _ in range(50)}, {new_setup_code() for _ in range(50)}
    assert len(logins) == 50 and all(len(x) == 10 and x.isdigit() for x in logins)
    assert len(codes) == 50 and all(len(x) == 14 and x.count("-") == 2 for x in codes)


@pytest.mark.parametrize("password", ["sh", "ANA", "aaaabbbbaaaa"])
def test_short_or_guessable_passwords_are_refused(password: str) -> None:
    with pytest.raises(InvalidRequest):
        check_password(password, "ana", LoginPolicy(min_length=3))


def test_argon2_hashes_verify_only_their_secret_and_none_verifies_nothing() -> None:
    hasher = Argon2Hasher()
    hashed = hasher.hash("correct horse")
    assert hashed.startswith("$argon2id$") and "correct horse" not in hashed
    assert hasher.verify(hashed, "correct horse")
    assert not hasher.verify(hashed, "correct horsf")
    assert not hasher.verify(None, "stand-in for a login that does not exist")
    assert not hasher.verify("not a hash", "correct horse")


def test_a_profile_change_keeps_what_it_does_not_name_and_reports_its_differences() -> None:
    after = CUSTOMER.changed({"language": "ru", "phone": None, "kind": "business"})
    assert (after.language, after.phone, after.kind, after.email) == (
        Language.RU, None, CustomerKind.BUSINESS, "ana@example.md")
    assert CUSTOMER.differences(after) == {"language": Language.RU, "phone": None,
                                           "kind": CustomerKind.BUSINESS}
    with pytest.raises(ValueError, match="id"):
        CUSTOMER.changed({"id": "c2"})


def test_bill_destinations_that_were_the_customer_s_details_follow_them() -> None:
    moved = CUSTOMER.changed({"email": "ana@mail.md", "phone": "+37369000002",
                              "address": "Bălți"})
    copied = BillDelivery(DeliveryMedium.PAPER, "ana@example.md", "+37369000001", "Chișinău")
    assert copied.followed(CUSTOMER, moved) == BillDelivery(
        DeliveryMedium.PAPER, "ana@mail.md", "+37369000002", "Bălți")
    own = BillDelivery(DeliveryMedium.EBILL, "bills@firm.md", None, None)
    assert own.followed(CUSTOMER, moved) == own
    removed = CUSTOMER.changed({"email": None})
    assert copied.followed(CUSTOMER, removed).email == "ana@example.md"
