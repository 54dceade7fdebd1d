"""Signature containers assembled from DER templates: valid, one token over each own signature,
and no template at all when the reference container does not re-assemble to itself."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace

from asn1crypto import cms
from invoicing.adapters.pdf import PdfVerifier, build_verifier
from invoicing.adapters.pdf._cms_templates import SignatureTemplate, TimestampTemplate
from invoicing.adapters.pdf._dev_ca import ensure_dev_authority
from invoicing.adapters.pdf._document import render_statement
from invoicing.adapters.pdf._drawing import register_fonts
from invoicing.adapters.pdf._loaded_keys import LoadedKeySigner, LoadedKeyTimeStamper
from invoicing.adapters.pdf._signing import DocumentSigner
from invoicing.adapters.pdf.config import operator_of
from invoicing.adapters.pdf.credentials import load_signer, load_timestamper, signing_config
from invoicing.adapters.pdf.tsa import LocalTsa
from pyhanko.sign.timestamps import TimeStamper

from .conftest import DocumentSettingsDouble, make_statement


def _container(pdf: bytes) -> cms.ContentInfo:
    contents = re.findall(rb"/Contents\s*<([0-9a-fA-F]+)>", pdf)[-1]
    # the container is zero-padded to its reserved size and may itself end in a zero byte
    return cms.ContentInfo.load(bytes.fromhex(contents.decode()), strict=False)


def _sign_three(settings: DocumentSettingsDouble,
                timestamper: TimeStamper) -> tuple[list[bytes], LoadedKeySigner]:
    register_fonts(settings.fonts_dir)
    signer = load_signer(signing_config(settings))
    assert isinstance(signer, LoadedKeySigner)
    documents = DocumentSigner(signer, timestamper)
    operator = operator_of(settings)
    pdfs = [documents.sign(render_statement(make_statement(language, number=f"TRF-2025-00010{index}"),
                                            operator)) for index, language in enumerate(("ro", "ru", "en"))]
    return pdfs, signer


def _stamped_signature(pdf: bytes) -> tuple[bytes, bytes]:
    """The signature value of ``pdf`` and the digest its timestamp token stamps."""
    info = _container(pdf)["content"]["signer_infos"][0]
    token = info["unsigned_attrs"][0]["values"][0]
    tst_info = token["content"]["encap_content_info"]["content"].parsed
    return info["signature"].native, tst_info["message_imprint"]["hashed_message"].native


def _check(pdfs: list[bytes], verifier: PdfVerifier) -> None:
    results = [verifier.verify_now(pdf) for pdf in pdfs]
    assert [(result.valid, result.reason.split(",")[0]) for result in results] == [(True, "intact")] * 3
    stamped = [_stamped_signature(pdf) for pdf in pdfs]
    assert all(hashlib.sha256(signature).digest() == digest for signature, digest in stamped)
    assert len({signature for signature, _ in stamped}) == 3


def test_documents_after_the_first_are_signed_and_timestamped_from_templates(
        document_settings: DocumentSettingsDouble) -> None:
    timestamper = load_timestamper(signing_config(document_settings))
    assert isinstance(timestamper, LoadedKeyTimeStamper)
    pdfs, signer = _sign_three(document_settings, timestamper)
    assert signer._template is not None and timestamper._template is not None
    _check(pdfs, build_verifier(document_settings))


def test_the_signature_template_serves_with_an_http_tsa(document_settings: DocumentSettingsDouble) -> None:
    dev = ensure_dev_authority(document_settings.documents_dir / "dev-signing")
    tsa = LocalTsa(load_timestamper(signing_config(document_settings))).start()  # type: ignore[arg-type]
    settings = replace(document_settings, tsa_url=tsa.url, signing_key=str(dev.signer_key),
                       signing_cert=str(dev.signer_cert), trust_roots=str(dev.ca_cert))
    try:
        pdfs, signer = _sign_three(settings, load_timestamper(signing_config(settings)))
    finally:
        tsa.stop()
    assert signer._template is not None
    _check(pdfs, build_verifier(settings))


def test_no_template_of_a_container_that_does_not_reassemble(
        document_settings: DocumentSettingsDouble) -> None:
    timestamper = load_timestamper(signing_config(document_settings))
    pdfs, _ = _sign_three(document_settings, timestamper)
    container = _container(pdfs[0])
    info = container["content"]["signer_infos"][0]
    digest = next(a for a in info["signed_attrs"] if a["type"].native == "message_digest")["values"][0].native
    assert SignatureTemplate.of(container, digest) is not None
    assert SignatureTemplate.of(container, hashlib.sha256(b"another document").digest()) is None
    token = info["unsigned_attrs"][0]["values"][0]
    assert TimestampTemplate.of(token) is not None
    info["unsigned_attrs"] = None  # no timestamp: not a container the template makes
    assert SignatureTemplate.of(cms.ContentInfo.load(container.dump(force=True)), digest) is None
