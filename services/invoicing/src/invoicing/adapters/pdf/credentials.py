"""The operator's signing credentials, the time-stamping authority and the roots verification trusts.

Production: ``INVOICING_SIGNING_KEY`` names a PKCS#12 file or a PEM key (with
``INVOICING_SIGNING_CERT``), ``INVOICING_TSA_URL`` an accredited RFC 3161 TSA and
``INVOICING_TRUST_ROOTS`` the roots of both. Development and tests: when no key is given, a small
CA with a signing certificate and a TSA certificate is made at first start under
``<INVOICING_DOCUMENTS_DIR>/dev-signing`` (see ``_dev_ca``), and when no TSA URL is given the
development TSA answers in-process (pyHanko's ``DummyTimeStamper``). These development keys are
made on the machine that runs the service and are never part of the repository.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from asn1crypto import keys, pem, x509
from cryptography import x509 as crypto_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.sign import signers
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper

from ._dev_ca import DevAuthority, ensure_dev_authority
from ._loaded_keys import LoadedKeySigner, LoadedKeyTimeStamper, SigningKey
from .config import DocumentSettings

__all__ = ["SigningConfig", "UnusableCredentials", "check_credentials", "load_signer", "load_timestamper",
           "signing_config"]

_PKCS12 = (".p12", ".pfx")


@dataclass(frozen=True, slots=True)
class SigningConfig:
    """Where the credentials are: plain, picklable data handed to each worker process."""

    key_file: Path
    cert_file: Path | None
    passphrase: bytes | None
    tsa_url: str
    dev: DevAuthority | None
    trust_roots: Path | None

    @property
    def pkcs12(self) -> bool:
        return self.key_file.suffix.lower() in _PKCS12

    def roots(self) -> list[x509.Certificate]:
        """The certificates that verification trusts as roots."""
        found = _read_certificates(self.trust_roots) if self.trust_roots else []
        if self.dev is not None:
            found.extend(_read_certificates(self.dev.ca_cert))
        return found


def signing_config(settings: DocumentSettings) -> SigningConfig:
    """Resolve the settings; make the development authority if no key is configured or no TSA."""
    secret = settings.signing_passphrase
    passphrase = secret.get_secret_value().encode() if secret else None
    needs_dev = not settings.signing_key or not settings.tsa_url
    dev = ensure_dev_authority(settings.documents_dir / "dev-signing") if needs_dev else None
    if settings.signing_key:
        key, cert = Path(settings.signing_key), Path(settings.signing_cert) if settings.signing_cert else None
    else:
        assert dev is not None
        key, cert, passphrase = dev.signer_key, dev.signer_cert, None
    roots = Path(settings.trust_roots) if settings.trust_roots else None
    return SigningConfig(key, cert, passphrase, settings.tsa_url, dev, roots)


class UnusableCredentials(ValueError):
    """The signing settings name a key, certificate or passphrase that cannot be used."""


def check_credentials(settings: DocumentSettings) -> None:
    """Load the signing key, its chain and the TSA client once, so that a wrong setting stops
    the service at start with its name rather than failing the first billing run."""
    try:
        config = signing_config(settings)
        load_signer(config)
        load_timestamper(config)
    except (OSError, ValueError, TypeError) as exc:
        raise UnusableCredentials(
            "invoicing: the signing credentials of INVOICING_SIGNING_KEY (with "
            f"INVOICING_SIGNING_CERT, INVOICING_SIGNING_PASSPHRASE) cannot be used: {exc}") from exc


def load_signer(config: SigningConfig) -> signers.Signer:
    """The operator's signer with its key loaded (do it once per process)."""
    key, chain = load_key_and_chain(config)
    if not isinstance(key, SigningKey):
        raise ValueError(f"{config.key_file}: the signing key must be RSA or EC")
    return LoadedKeySigner(key, chain)


def load_key_and_chain(config: SigningConfig) -> tuple[object, list[x509.Certificate]]:
    """The private key and the certificate chain (signer first) of the configured credentials."""
    if config.pkcs12:
        key, cert, others = pkcs12.load_key_and_certificates(config.key_file.read_bytes(), config.passphrase)
        if key is None or cert is None:
            raise ValueError(f"{config.key_file} holds no key and certificate")
        return key, [_asn1(cert), *map(_asn1, others)]
    if config.cert_file is None:
        raise ValueError("INVOICING_SIGNING_CERT is required with a PEM signing key")
    key = serialization.load_pem_private_key(config.key_file.read_bytes(), config.passphrase)
    chain = _read_certificates(config.cert_file)
    if config.dev is not None and config.key_file == config.dev.signer_key:
        chain.extend(_read_certificates(config.dev.ca_cert))
    return key, chain


def _asn1(certificate: crypto_x509.Certificate) -> x509.Certificate:
    return x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def load_timestamper(config: SigningConfig) -> TimeStamper:
    """The TSA client: the configured RFC 3161 URL, or the development TSA in-process."""
    if config.tsa_url:
        return HTTPTimeStamper(config.tsa_url)
    assert config.dev is not None
    return dev_timestamper(config.dev)


def dev_timestamper(dev: DevAuthority) -> LoadedKeyTimeStamper:
    """pyHanko's in-process TSA, signing with the development TSA certificate."""
    tsa_cert = _read_certificates(dev.tsa_cert)[0]
    ca_cert = _read_certificates(dev.ca_cert)[0]
    tsa_key = keys.PrivateKeyInfo.load(_der(dev.tsa_key.read_bytes()))
    return LoadedKeyTimeStamper(tsa_cert, tsa_key, [ca_cert])


def _read_certificates(path: Path) -> list[x509.Certificate]:
    data = path.read_bytes()
    if not pem.detect(data):
        return [x509.Certificate.load(data)]
    return [x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]


def _der(data: bytes) -> bytes:
    return pem.unarmor(data)[2] if pem.detect(data) else data
