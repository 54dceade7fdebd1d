"""One-time codes (A10): a 6-digit code per request, stored only as a keyed hash.

A challenge is live until it is used, voided (too many wrong tries, or a newer code for the same
number) or expired. Codes are compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime

__all__ = ["Challenge", "CodeHasher", "OneTimeCode", "new_code"]

CODE_DIGITS = 6


def new_code() -> str:
    """A uniformly drawn code of six digits, leading zeros kept."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


@dataclass(frozen=True, slots=True)
class Challenge:
    id: str
    msisdn: str
    account_id: str
    code_hash: str
    created_at: datetime
    expires_at: datetime
    tries: int = 0
    used_at: datetime | None = None
    voided: bool = False

    def live_at(self, instant: datetime) -> bool:
        return self.used_at is None and not self.voided and instant < self.expires_at

    def used(self, at: datetime) -> Challenge:
        return replace(self, used_at=at)

    def missed(self, max_tries: int) -> Challenge:
        """One more wrong try; the last allowed one voids the code."""
        tries = self.tries + 1
        return replace(self, tries=tries, voided=tries >= max_tries)


@dataclass(frozen=True, slots=True)
class OneTimeCode:
    """What the notifications service needs to text the code to the subscriber; the code is
    kept out of ``repr`` so that it cannot reach a log by accident."""

    msisdn: str
    code: str = field(repr=False)
    language: str
    expires_at: datetime


class CodeHasher:
    """HMAC-SHA256 of a code bound to its challenge, with a key that never reaches the database."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def digest(self, challenge_id: str, msisdn: str, code: str) -> str:
        message = f"{challenge_id}:{msisdn}:{code}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def matches(self, challenge: Challenge, code: str) -> bool:
        expected = self.digest(challenge.id, challenge.msisdn, code)
        return hmac.compare_digest(expected, challenge.code_hash)
