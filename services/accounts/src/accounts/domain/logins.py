"""Subscriber logins (seed 003): a login handed over with the contract, a password the
subscriber sets with the one-time setup code that comes with it, and a lockout after repeated
failures. Secrets are held only as hashes; the hashing itself is an adapter's.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime

from accounts.domain.errors import InvalidRequest
from accounts.domain.policy import LoginPolicy

__all__ = ["IssuedLogin", "Login", "check_password", "new_login",
           "new_setup_code", "normalise_login"]

_LOGIN = re.compile(r"[a-z0-9][a-z0-9._@-]{2,63}")
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def normalise_login(text: str) -> str:
    """The login as stored: trimmed, lower case; ``InvalidRequest`` if it cannot be one."""
    login = text.strip().lower()
    if not _LOGIN.fullmatch(login):
        raise InvalidRequest("a login is 3 to 64 letters, digits or . _ @ -, starting with a "
                             "letter or digit", field="login")
    return login


def new_login() -> str:
    """A login for a contract that names none: ten digits."""
    return f"{secrets.randbelow(9 * 10**9) + 10**9}"


def new_setup_code() -> str:
    """Twelve characters easy to read off paper, in three groups."""
    chars = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return "-".join(chars[i:i + 4] for i in range(0, 12, 4))


def check_password(password: str, login: str, policy: LoginPolicy) -> None:
    if len(password) < policy.min_length:
        raise InvalidRequest(f"a password has at least {policy.min_length} characters",
                             field="password")
    if password.strip().lower() == login or len(set(password)) < 4:
        raise InvalidRequest("the password is too easy to guess", field="password")


@dataclass(frozen=True, slots=True)
class IssuedLogin:
    """What the operator hands to the subscriber; the code is kept out of ``repr``."""

    login: str
    setup_code: str = field(repr=False)
    setup_expires_at: datetime


@dataclass(frozen=True, slots=True)
class Login:
    account_id: str
    login: str
    issued_at: datetime
    password_hash: str | None = field(default=None, repr=False)
    password_set_at: datetime | None = None
    setup_hash: str | None = field(default=None, repr=False)
    setup_expires_at: datetime | None = None
    failures: int = 0
    locked_until: datetime | None = None

    def locked_at(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def setup_live_at(self, now: datetime) -> bool:
        return self.setup_hash is not None and self.setup_expires_at is not None \
            and now < self.setup_expires_at

    def failed(self, now: datetime, policy: LoginPolicy) -> Login:
        """One more wrong try; the last one the policy allows locks the login."""
        failures = self.failures + 1
        if failures < policy.max_failures:
            return replace(self, failures=failures)
        return replace(self, failures=0, locked_until=now + policy.lockout)

    def passed(self) -> Login:
        return replace(self, failures=0, locked_until=None)

    def with_password(self, password_hash: str, now: datetime) -> Login:
        """A new password; the setup code, if any, is spent."""
        return replace(self.passed(), password_hash=password_hash, password_set_at=now,
                       setup_hash=None, setup_expires_at=None)

    def reissued(self, setup_hash: str, expires_at: datetime) -> Login:
        """An operator's reset: the password is gone until the subscriber sets a new one."""
        return replace(self.passed(), password_hash=None, password_set_at=None,
                       setup_hash=setup_hash, setup_expires_at=expires_at)
