"""The development certificate authority, made with ``cryptography`` at first start.

Under one folder: ``ca.pem`` (a self-signed root), ``signer.pem``/``signer-key.pem`` (the
operator's document-signing certificate: digital signature and non-repudiation) and
``tsa.pem``/``tsa-key.pem`` (a time-stamping certificate, extended key usage timeStamping,
critical, as RFC 3161 requires). Keys are RSA 2048, unencrypted, readable by the owner only: they
exist for development and tests and sign nothing of fiscal value.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = ["DevAuthority", "ensure_dev_authority"]

_VALIDITY = timedelta(days=3650)


@dataclass(frozen=True, slots=True)
class DevAuthority:
    folder: Path

    @property
    def ca_cert(self) -> Path:
        return self.folder / "ca.pem"

    @property
    def signer_cert(self) -> Path:
        return self.folder / "signer.pem"

    @property
    def signer_key(self) -> Path:
        return self.folder / "signer-key.pem"

    @property
    def tsa_cert(self) -> Path:
        return self.folder / "tsa.pem"

    @property
    def tsa_key(self) -> Path:
        return self.folder / "tsa-key.pem"


def ensure_dev_authority(folder: Path) -> DevAuthority:
    """The authority in ``folder``, made there first if missing (safe when two processes race)."""
    authority = DevAuthority(folder)
    if authority.tsa_key.exists():
        return authority
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".dev-signing-", dir=folder.parent))
    _make_authority(DevAuthority(staging))
    try:
        staging.rename(folder)
    except OSError:  # another process made it first
        shutil.rmtree(staging, ignore_errors=True)
    return authority


def _make_authority(target: DevAuthority) -> None:
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = _name("Tarifa development CA")
    ca = _certificate(ca_name, ca_key, ca_name, ca_key, ca=True)
    _write_cert(target.ca_cert, ca)
    signer_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    _write_key(target.signer_key, signer_key)
    _write_cert(target.signer_cert, _certificate(_name("Tarifa development operator"), signer_key,
                                                 ca_name, ca_key, ca=False))
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    _write_key(target.tsa_key, tsa_key)
    _write_cert(target.tsa_cert, _certificate(_name("Tarifa development TSA"), tsa_key, ca_name, ca_key,
                                              ca=False, tsa=True))


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Tarifa development")])


def _certificate(subject: x509.Name, key: rsa.RSAPrivateKey, issuer: x509.Name,
                 issuer_key: rsa.RSAPrivateKey, *, ca: bool, tsa: bool = False) -> x509.Certificate:
    now = datetime.now(UTC)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - timedelta(days=1)).not_valid_after(now + _VALIDITY)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(_key_usage(ca=ca, tsa=tsa), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    if tsa:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]),
                                        critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


def _key_usage(*, ca: bool, tsa: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=True, content_commitment=not ca and not tsa,
                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                         key_cert_sign=ca, crl_sign=ca, encipher_only=False, decipher_only=False)


def _write_cert(path: Path, certificate: x509.Certificate) -> None:
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def _write_key(path: Path, key: rsa.RSAPrivateKey) -> None:
    data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
