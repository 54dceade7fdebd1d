"""Argon2id hashes of passwords and setup codes (argon2-cffi, its recommended parameters)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = ["Argon2Hasher"]


class Argon2Hasher:
    """Verifying against no hash still does the work of one, so that an unknown login takes as
    long to refuse as a wrong password."""

    def __init__(self) -> None:
        self._hasher = PasswordHasher()
        self._stand_in = self._hasher.hash("stand-in for a login that does not exist")

    def hash(self, secret: str) -> str:
        return self._hasher.hash(secret)

    def verify(self, hashed: str | None, secret: str) -> bool:
        try:
            return self._hasher.verify(hashed or self._stand_in, secret) and hashed is not None
        except (VerificationError, InvalidHashError):
            return False
