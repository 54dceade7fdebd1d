"""Verification of an e-bill: intact, validly signed by this operator, with a trusted timestamp.

Usable from the service (``PdfVerifier.verify``, behind ``POST /v1/documents/verify``) and from a
shell: ``python -m invoicing.adapters.pdf.verify FILE`` prints the result as JSON and exits 0
for a valid document, 1 otherwise (it reads the same ``INVOICING_`` settings as the service).
"""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path

from asn1crypto import x509
from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from .config import DEFAULT_DOCUMENTS_DIR, DEFAULT_FONTS_DIR, DocumentSettings
from .credentials import load_key_and_chain, signing_config

__all__ = ["PdfVerifier", "VerificationResult", "build_verifier", "main"]


@dataclass(frozen=True, slots=True)
class VerificationResult:
    valid: bool
    reason: str
    signer: str | None = None
    timestamp: datetime | None = None

    def as_json(self) -> dict[str, object]:
        stamp = self.timestamp.isoformat() if self.timestamp else None
        return {"valid": self.valid, "reason": self.reason, "signer": self.signer, "timestamp": stamp}


class PdfVerifier:
    """Checks documents against the operator's certificate and the trusted roots."""

    def __init__(self, operator_cert: x509.Certificate, roots: list[x509.Certificate]) -> None:
        self._operator = operator_cert
        self._roots = roots

    async def verify(self, pdf: bytes) -> VerificationResult:
        """The verdict on ``pdf``, computed off the event loop."""
        return await asyncio.to_thread(self.verify_now, pdf)

    def verify_now(self, pdf: bytes) -> VerificationResult:
        """The verdict on ``pdf``, in the calling thread (which must not run an event loop)."""
        try:
            signatures = PdfFileReader(BytesIO(pdf), strict=False).embedded_signatures
        except Exception as exc:  # a damaged file raises from many places of the parser
            return VerificationResult(False, f"not a readable PDF document: {exc}")
        if len(signatures) != 1:
            count = len(signatures)
            return VerificationResult(False, f"an e-bill carries one signature, this document {count}")
        try:
            status = asyncio.run(async_validate_pdf_signature(signatures[0], self._context()))
        except Exception as exc:  # a malformed signature container raises from many places
            return VerificationResult(False, f"the signature cannot be validated: {exc}")
        return self._judge(status)

    def _context(self) -> ValidationContext:
        return ValidationContext(trust_roots=self._roots, allow_fetching=False)

    def _judge(self, status: PdfSignatureStatus) -> VerificationResult:
        signer = _name(status.signing_cert)
        stamp = status.timestamp_validity
        when = stamp.timestamp if stamp is not None else None
        problem = _problem(status) or self._not_operator(status.signing_cert)
        if problem:
            return VerificationResult(False, problem, signer, when)
        tsa = _name(stamp.signing_cert) if stamp is not None else ""
        return VerificationResult(True, f"intact, signed by {signer}, timestamped by {tsa}", signer, when)

    def _not_operator(self, cert: x509.Certificate) -> str:
        if cert.subject == self._operator.subject:
            return ""
        return f"signed by {_name(cert)}, not by this operator"


def _name(cert: x509.Certificate) -> str:
    common = cert.subject.native.get("common_name")
    return str(common) if common else str(cert.subject.human_friendly)


def _problem(status: PdfSignatureStatus) -> str:
    """What is wrong with a signature, or ``""``."""
    stamp = status.timestamp_validity
    checks = [
        (status.intact, "the document was changed after it was signed (its digest does not match)"),
        (status.valid, "the signature does not match the signer's certificate"),
        (status.coverage == SignatureCoverageLevel.ENTIRE_FILE, "content was added after the signature"),
        (status.trusted, "the signer's certificate does not chain to a trusted root"),
        (stamp is not None, "the signature carries no timestamp"),
        (stamp is not None and stamp.intact and stamp.valid, "the timestamp token is not valid"),
        (stamp is not None and stamp.trusted, "the timestamp authority is not trusted"),
    ]
    return next((reason for passed, reason in checks if not passed), "")


def build_verifier(settings: DocumentSettings) -> PdfVerifier:
    """The verifier of this operator's documents (trusting ``INVOICING_TRUST_ROOTS`` and the dev CA)."""
    config = signing_config(settings)
    chain = load_key_and_chain(config)[1]
    return PdfVerifier(chain[0], config.roots() or chain[-1:])


class _ShellSettings(BaseSettings):
    """The document settings alone, read from the environment by the command line."""

    model_config = SettingsConfigDict(env_prefix="INVOICING_", extra="ignore", frozen=True)
    documents_dir: Path = DEFAULT_DOCUMENTS_DIR
    fonts_dir: Path = DEFAULT_FONTS_DIR
    signing_key: str = ""
    signing_cert: str = ""
    signing_passphrase: SecretStr | None = None
    trust_roots: str = ""
    tsa_url: str = ""
    signing_workers: int = 0
    operator_name: str = ""
    operator_address: str = ""
    operator_fiscal_code: str = ""
    operator_bank_account: str = ""


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m invoicing.adapters.pdf.verify FILE", file=sys.stderr)
        return 2
    result = build_verifier(_ShellSettings()).verify_now(Path(args[0]).read_bytes())
    print(json.dumps(result.as_json(), ensure_ascii=False))
    return 0 if result.valid else 1


if __name__ == "__main__":
    sys.exit(main())
