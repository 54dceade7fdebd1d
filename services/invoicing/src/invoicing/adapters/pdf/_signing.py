"""PAdES signing of a rendered PDF with an RFC 3161 timestamp (pyHanko).

A ``DocumentSigner`` holds the operator's key loaded once and the size of the signature
container: the first document is signed with pyHanko's estimate (a dry-run signature and
timestamp), and every later one reuses that reservation, so each document is digested, signed
and timestamped in a single pass.
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from io import BytesIO

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps import TimeStamper

from ._incremental import signed_document
from ._loaded_keys import LoadedKeySigner

__all__ = ["DocumentSigner", "signature_metadata"]

FIELD_NAME = "Signature"
_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")


def signature_metadata() -> signers.PdfSignatureMetadata:
    return signers.PdfSignatureMetadata(field_name=FIELD_NAME, md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES)


class DocumentSigner:
    """Signs PDFs with one loaded key and one TSA client; not shared between processes."""

    def __init__(self, signer: signers.Signer, timestamper: TimeStamper) -> None:
        self._pdf_signer = signers.PdfSigner(signature_metadata(), signer, timestamper=timestamper)
        self._signer, self._timestamper = signer, timestamper
        self._reserved: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def sign(self, pdf: bytes) -> bytes:
        """The signed and timestamped PDF: ``pdf`` with one incremental update."""
        signed = self._assembled(pdf)
        return signed if signed is not None else self._signed_by_pyhanko(pdf)

    def _assembled(self, pdf: bytes) -> bytes | None:
        templated = isinstance(self._signer, LoadedKeySigner) and self._signer.assembles
        if self._reserved is None or not templated:
            return None
        return signed_document(pdf, datetime.now(UTC), self._reserved, self._container)

    def _container(self, digest: bytes) -> bytes:
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
        signing = self._signer.async_sign(digest, "sha256", use_pades=True, timestamper=self._timestamper)
        return bytes(self._loop.run_until_complete(signing).dump())

    def _signed_by_pyhanko(self, pdf: bytes) -> bytes:
        try:
            signed = self._sign(pdf, self._reserved)
        except SigningError:
            if self._reserved is None:
                raise
            signed = self._sign(pdf, None)  # a larger timestamp than before: measure again
            self._reserved = None
        if self._reserved is None:
            self._reserved = reserved_size(signed)
        return signed

    def _sign(self, pdf: bytes, reserved: int | None) -> bytes:
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
        output = self._pdf_signer.sign_pdf(writer, bytes_reserved=reserved)
        return bytes(output.getbuffer())


def reserved_size(signed: bytes) -> int:
    """The hex digits reserved for the signature container of a signed PDF (from its /ByteRange)."""
    match = _BYTE_RANGE.findall(signed)[-1]
    return int(match[2]) - int(match[1]) - 2
