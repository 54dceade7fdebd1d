"""The signature update written without pyHanko's object model: verified by pyHanko and by
poppler, the whole file covered, and pyHanko's path taken for a document it does not expect."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

from invoicing.adapters.pdf import build_verifier
from invoicing.adapters.pdf._document import render_statement
from invoicing.adapters.pdf._drawing import register_fonts
from invoicing.adapters.pdf._incremental import signed_document
from invoicing.adapters.pdf._signing import DocumentSigner
from invoicing.adapters.pdf.config import operator_of
from invoicing.adapters.pdf.credentials import load_signer, load_timestamper, signing_config
from reportlab.pdfgen.canvas import Canvas

from .conftest import DocumentSettingsDouble, make_statement, pdf_text


def _signer(settings: DocumentSettingsDouble) -> DocumentSigner:
    register_fonts(settings.fonts_dir)
    config = signing_config(settings)
    signer = DocumentSigner(load_signer(config), load_timestamper(config))
    signer.sign(render_statement(make_statement("ro"), operator_of(settings)))  # pyHanko's, measured
    return signer


def test_later_documents_carry_the_written_update_and_verify(
        document_settings: DocumentSettingsDouble, tmp_path: Path) -> None:
    signer = _signer(document_settings)
    statement = make_statement("ru", lines=70, number="TRF-2025-000777")  # several pages
    unsigned = render_statement(statement, operator_of(document_settings))
    pdf = signer.sign(unsigned)
    assert pdf.startswith(unsigned) and b"pyHanko" not in pdf[len(unsigned):]  # not pyHanko's update
    result = build_verifier(document_settings).verify_now(pdf)
    assert result.valid, result.reason
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    poppler = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Total document signed" in poppler and "Signature is Valid." in poppler
    assert "TRF-2025-000777" in pdf_text(pdf, tmp_path) and "Страница 2 из" in pdf_text(pdf, tmp_path)


def test_a_document_laid_out_otherwise_is_left_to_pyhanko(document_settings: DocumentSettingsDouble) -> None:
    signer = _signer(document_settings)
    unsigned = render_statement(make_statement("en"), operator_of(document_settings))
    once = signer.sign(unsigned)
    assert signed_document(once, datetime.now(UTC), 20000, lambda digest: digest) is None  # has /AcroForm
    assert signed_document(b"%PDF-1.4\nnot a document\n", datetime.now(UTC), 20000, lambda d: d) is None
    linked = _with_a_link()
    assert signed_document(linked, datetime.now(UTC), 20000, lambda digest: digest) is None  # has /Annots
    signed = signer.sign(linked)
    assert b"pyHanko" in signed[len(linked):]
    assert build_verifier(document_settings).verify_now(signed).valid


def _with_a_link() -> bytes:
    buffer = BytesIO()
    canvas = Canvas(buffer, invariant=True)
    canvas.drawString(100, 700, "Tarifa")
    canvas.linkURL("https://example.org/", (100, 690, 200, 710))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_a_container_larger_than_the_reservation_is_refused(
        document_settings: DocumentSettingsDouble) -> None:
    unsigned = render_statement(make_statement("en"), operator_of(document_settings))
    assert signed_document(unsigned, datetime.now(UTC), 64, lambda digest: digest * 2) is None
    fits = signed_document(unsigned, datetime.now(UTC), 64, lambda digest: digest)
    assert fits is not None and fits.startswith(unsigned)
