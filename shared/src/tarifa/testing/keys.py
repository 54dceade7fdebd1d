"""The token signing key of a test run: made once per process, like accounts makes its own."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tarifa.signing_key import private_pem
from tarifa.tokens import TokenSigner

__all__ = ["TEST_SIGNER", "write_key_file"]

TEST_SIGNER = TokenSigner(Ed25519PrivateKey.generate())


def write_key_file(directory: Path) -> Path:
    """The test key as ``ACCOUNTS_JWT_KEY_FILE``, for suites that run accounts as a process."""
    path = directory / "jwt-signing-key.pem"
    path.write_bytes(private_pem(TEST_SIGNER.key))
    path.chmod(0o600)
    return path
