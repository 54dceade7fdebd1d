"""Production-style credentials: the operator's PKCS#12 file or PEM key and certificate chain
from settings, trusted through INVOICING_TRUST_ROOTS (the TSA stays the development one)."""

from __future__ import annotations

from dataclasses import replace
from io import BytesIO
from pathlib import Path

import pytest
from asn1crypto import pem, x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509 import load_pem_x509_certificate
from invoicing.adapters.pdf import (
    UnusableCredentials,
    build_renderer,
    build_verifier,
    check_credentials,
)
from invoicing.adapters.pdf._dev_ca import DevAuthority, ensure_dev_authority
from pydantic import SecretStr
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from .conftest import DocumentSettingsDouble, make_statement

PASSPHRASE = "operator-passphrase"


def _operator_ca(folder: Path) -> DevAuthority:
    """A CA of its own standing in for the operator's (made with the same tooling)."""
    return ensure_dev_authority(folder / "operator-ca")


def _pkcs12(authority: DevAuthority, target: Path) -> Path:
    key = serialization.load_pem_private_key(authority.signer_key.read_bytes(), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    certificate = load_pem_x509_certificate(authority.signer_cert.read_bytes())
    ca = load_pem_x509_certificate(authority.ca_cert.read_bytes())
    target.write_bytes(pkcs12.serialize_key_and_certificates(
        b"operator", key, certificate, [ca],
        serialization.BestAvailableEncryption(PASSPHRASE.encode())))
    return target


def _settings(tmp_path: Path, authority: DevAuthority, **signing: object) -> DocumentSettingsDouble:
    base = DocumentSettingsDouble(documents_dir=tmp_path / "documents", signing_workers=1,
                                  trust_roots=str(authority.ca_cert))
    return replace(base, **signing)  # type: ignore[arg-type]


async def _signed_and_verified(settings: DocumentSettingsDouble, authority: DevAuthority) -> None:
    renderer = build_renderer(settings)
    try:
        [pdf] = await renderer.render([make_statement("ro")])
    finally:
        await renderer.close()
    assert (await build_verifier(settings).verify(pdf)).valid
    [signature] = PdfFileReader(BytesIO(pdf)).embedded_signatures
    root = x509.Certificate.load(pem.unarmor(authority.ca_cert.read_bytes())[2])
    status = await async_validate_pdf_signature(signature, ValidationContext(trust_roots=[root]))
    assert status.intact and status.valid and status.trusted
    operator = x509.Certificate.load(pem.unarmor(authority.signer_cert.read_bytes())[2])
    assert signature.signer_cert.dump() == operator.dump()


async def test_a_pkcs12_file_with_its_passphrase_signs_the_documents(tmp_path: Path) -> None:
    authority = _operator_ca(tmp_path)
    settings = _settings(tmp_path, authority, signing_key=str(_pkcs12(authority, tmp_path / "op.p12")),
                         signing_passphrase=SecretStr(PASSPHRASE))
    await _signed_and_verified(settings, authority)


async def test_a_pem_key_with_its_certificate_chain_signs_the_documents(tmp_path: Path) -> None:
    authority = _operator_ca(tmp_path)
    chain = tmp_path / "chain.pem"
    chain.write_bytes(authority.signer_cert.read_bytes() + authority.ca_cert.read_bytes())
    settings = _settings(tmp_path, authority, signing_key=str(authority.signer_key),
                         signing_cert=str(chain))
    await _signed_and_verified(settings, authority)


def test_a_wrong_passphrase_or_a_missing_file_is_named_before_any_document(tmp_path: Path) -> None:
    authority = _operator_ca(tmp_path)
    p12 = str(_pkcs12(authority, tmp_path / "op.p12"))
    wrong = _settings(tmp_path, authority, signing_key=p12,
                      signing_passphrase=SecretStr("not the passphrase"))
    missing = _settings(tmp_path, authority, signing_key=str(tmp_path / "nowhere.p12"))
    for settings in (wrong, missing):
        with pytest.raises(UnusableCredentials, match="INVOICING_SIGNING_KEY"):
            check_credentials(settings)
    with pytest.raises(ValueError):
        build_verifier(wrong)
    check_credentials(_settings(tmp_path, authority, signing_key=p12,
                                signing_passphrase=SecretStr(PASSPHRASE)))
