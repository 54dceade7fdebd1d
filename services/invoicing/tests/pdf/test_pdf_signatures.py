"""Signed e-bills: PAdES signature and RFC 3161 timestamp checked by pyHanko's validator; tampering caught."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from dataclasses import replace
from io import BytesIO
from pathlib import Path

from asn1crypto import pem, x509
from invoicing.adapters.pdf import PdfRenderer, PdfVerifier, build_renderer, build_verifier
from invoicing.adapters.pdf._dev_ca import ensure_dev_authority
from invoicing.adapters.pdf.credentials import dev_timestamper
from invoicing.adapters.pdf.tsa import LocalTsa
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from .conftest import DocumentSettingsDouble, make_statement, pdf_text


def _dev_root(documents_dir: Path) -> x509.Certificate:
    return x509.Certificate.load(pem.unarmor((documents_dir / "dev-signing" / "ca.pem").read_bytes())[2])


async def test_pyhanko_validates_the_signature_and_the_timestamp(
        renderer: PdfRenderer, documents_dir: Path) -> None:
    [pdf] = await renderer.render([make_statement("ro")])
    [signature] = PdfFileReader(BytesIO(pdf)).embedded_signatures
    context = ValidationContext(trust_roots=[_dev_root(documents_dir)])
    status = await async_validate_pdf_signature(signature, context)
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    stamp = status.timestamp_validity
    assert stamp is not None and stamp.intact and stamp.valid and stamp.trusted
    assert status.bottom_line


async def test_a_batch_gives_one_valid_document_per_statement_in_order(
        renderer: PdfRenderer, verifier: PdfVerifier, tmp_path: Path) -> None:
    statements = [make_statement("en", number=f"TRF-2025-{index:06d}") for index in range(6)]
    documents = await renderer.render(statements)
    results = [await verifier.verify(pdf) for pdf in documents]
    assert [result.valid for result in results] == [True] * 6
    numbers = [pdf_text(pdf, tmp_path).split("No. ")[1].split()[0] for pdf in documents]
    assert numbers == [statement.number for statement in statements]
    assert results[0].signer == "Tarifa development operator" and results[0].timestamp is not None


async def test_one_changed_byte_in_the_signed_range_fails_with_a_reason(
        renderer: PdfRenderer, verifier: PdfVerifier) -> None:
    [pdf] = await renderer.render([make_statement("ru")])
    tampered = bytearray(pdf)
    at = pdf.index(b"ReportLab")
    tampered[at] = ord("X")
    result = await verifier.verify(bytes(tampered))
    assert not result.valid
    assert "changed after it was signed" in result.reason


async def test_content_appended_after_signing_fails(renderer: PdfRenderer, verifier: PdfVerifier) -> None:
    [pdf] = await renderer.render([make_statement("ro")])
    result = await verifier.verify(pdf + b"\n%%appended\n")
    assert not result.valid and "added after the signature" in result.reason


async def test_an_unsigned_or_damaged_pdf_is_not_a_document(renderer: PdfRenderer,
                                                            verifier: PdfVerifier) -> None:
    batch = await renderer.render_print_batch([make_statement("ro")])
    assert "one signature, this document 0" in (await verifier.verify(batch)).reason
    assert "not a readable PDF" in (await verifier.verify(b"hello")).reason


async def test_a_document_of_another_authority_is_refused(
        renderer: PdfRenderer, document_settings: DocumentSettingsDouble, tmp_path: Path) -> None:
    other = replace(document_settings, documents_dir=tmp_path / "other", signing_workers=1)
    stranger = build_renderer(other)
    try:
        [pdf] = await stranger.render([make_statement("en")])
    finally:
        await stranger.close()
    ours = build_verifier(document_settings)
    refused = await ours.verify(pdf)
    assert not refused.valid and "trusted root" in refused.reason
    assert (await build_verifier(other).verify(pdf)).valid


async def test_the_command_line_verifies_a_file(renderer: PdfRenderer, documents_dir: Path,
                                                tmp_path: Path) -> None:
    [pdf] = await renderer.render([make_statement("en")])
    good, bad = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    good.write_bytes(pdf)
    bad.write_bytes(pdf.replace(b"ReportLab", b"ReportLaX", 1))
    env = {"INVOICING_DOCUMENTS_DIR": str(documents_dir), "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-m", "invoicing.adapters.pdf.verify"]
    ok, ko = [await asyncio.to_thread(subprocess.run, [*command, str(path)], capture_output=True, text=True,
                                      env=env) for path in (good, bad)]
    assert (ok.returncode, ko.returncode) == (0, 1)
    assert '"valid": true' in ok.stdout and "changed after it was signed" in ko.stdout


async def test_documents_are_timestamped_through_an_http_tsa(
        document_settings: DocumentSettingsDouble, tmp_path: Path) -> None:
    dev = ensure_dev_authority(document_settings.documents_dir / "dev-signing")
    tsa = LocalTsa(dev_timestamper(dev)).start()
    settings = replace(document_settings, tsa_url=tsa.url, signing_workers=1,
                       signing_key=str(dev.signer_key), signing_cert=str(dev.signer_cert),
                       trust_roots=str(dev.ca_cert))
    engine = build_renderer(settings)
    try:
        [pdf] = await engine.render([make_statement("en")])
    finally:
        await engine.close()
        tsa.stop()
    result = await build_verifier(settings).verify(pdf)
    assert result.valid, result.reason
    assert "Tarifa development TSA" in result.reason
