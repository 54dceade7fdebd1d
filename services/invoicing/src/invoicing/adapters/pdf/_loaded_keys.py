"""pyHanko signers that keep their private key loaded.

pyHanko's ``SimpleSigner`` and ``DummyTimeStamper`` parse their private key again for every
signature, and parsing an RSA key checks it (tens of milliseconds, more than the signature
itself). These subclasses parse the key once, when the worker starts, and sign with it after.
``LoadedKeySigner`` implements ``Signer.async_sign_raw``, pyHanko's documented extension point;
``LoadedKeyTimeStamper`` replaces the one method of ``DummyTimeStamper`` that signs, building
the same signed attributes with pyHanko's own helpers.

Both assemble their CMS containers from DER templates (``_cms_templates``) once a first
container made by pyHanko has shown that its template gives back the same bytes: a signature
then costs its digest, its RSA operation and its timestamp, and nothing is serialised again.
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from typing import Any

from asn1crypto import cms, core, keys, x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from pyhanko.sign import general, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps import DummyTimeStamper, TimeStamper
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from ._cms_templates import SignatureTemplate, TimestampTemplate, TimestampValues

__all__ = ["LoadedKeySigner", "LoadedKeyTimeStamper", "SigningKey"]

SigningKey = RSAPrivateKey | EllipticCurvePrivateKey


def _load(key: keys.PrivateKeyInfo) -> SigningKey:
    loaded = serialization.load_der_private_key(key.dump(), password=None)
    if not isinstance(loaded, SigningKey):
        raise SigningError("the signing key must be RSA or EC")
    return loaded


def _nonce() -> int:
    """A random 8-byte integer of fixed width, as pyHanko's TSA client draws serials and nonces."""
    return int.from_bytes(b"\x01" + os.urandom(7), "big")


def _attribute(kind: str, value: object) -> cms.CMSAttribute:
    return cms.CMSAttribute({"type": cms.CMSAttributeType(kind), "values": (value,)})


class LoadedKeySigner(signers.Signer):
    """A signer with its private key loaded once; ``chain`` is the certificate then its issuers."""

    def __init__(self, key: SigningKey, chain: list[x509.Certificate]) -> None:
        super().__init__(signing_cert=chain[0])
        self.cert_registry.register_multiple(chain[1:])
        self._key = key
        self._template: SignatureTemplate | None = None
        self._measured = False

    @property
    def assembles(self) -> bool:
        """Whether PAdES containers are assembled from the template (made by a first signature)."""
        return self._template is not None

    async def async_sign(self, data_digest: bytes, digest_algorithm: str, dry_run: bool = False,
                         use_pades: bool = False, timestamper: TimeStamper | None = None,
                         signed_attr_settings: Any = None, is_pdf_sig: bool = True,
                         encap_content_info: Any = None) -> cms.ContentInfo:
        """The PAdES container over ``data_digest``; from the template once pyHanko's first matched it."""
        usual = (not dry_run and use_pades and is_pdf_sig and timestamper is not None
                 and encap_content_info is None and digest_algorithm == "sha256")
        if usual and self._template is not None and timestamper is not None:
            return await self._from_template(self._template, data_digest, timestamper)
        signed = await super().async_sign(data_digest, digest_algorithm, dry_run, use_pades, timestamper,
                                          signed_attr_settings, is_pdf_sig, encap_content_info)
        if usual and not self._measured:
            self._template, self._measured = SignatureTemplate.of(signed, data_digest), True
        return signed

    async def _from_template(self, template: SignatureTemplate, digest: bytes,
                             timestamper: TimeStamper) -> cms.ContentInfo:
        signature = await self.async_sign_raw(template.signed_attributes(digest), "sha256")
        token = await timestamper.async_timestamp(hashlib.sha256(signature).digest(), "sha256")
        return cms.ContentInfo.load(template.assemble(digest, signature, token.dump()))

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        digest = get_pyca_cryptography_hash(digest_algorithm)
        if isinstance(self._key, EllipticCurvePrivateKey):
            return self._key.sign(data, ECDSA(digest))
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        if mechanism != "rsassa_pkcs1v15":
            raise SigningError(f"unsupported signature mechanism {mechanism}")
        return self._key.sign(data, PKCS1v15(), digest)


class LoadedKeyTimeStamper(DummyTimeStamper):
    """pyHanko's in-process TSA, with the TSA key parsed once."""

    def __init__(self, tsa_cert: x509.Certificate, tsa_key: keys.PrivateKeyInfo,
                 issuers: list[x509.Certificate]) -> None:
        super().__init__(tsa_cert, tsa_key)
        self.certs_to_embed = list(issuers)
        self._key = _load(tsa_key)
        if not isinstance(self._key, RSAPrivateKey):
            raise SigningError("the development TSA key must be RSA")
        self._template: TimestampTemplate | None = None
        self._measured = False

    async def async_timestamp(self, message_digest: bytes, md_algorithm: str) -> cms.ContentInfo:
        """A token over ``message_digest``; from the template once pyHanko's first matched it."""
        usual = md_algorithm == "sha256" and self.fixed_dt is None and self.override_md is None
        if usual and self._template is not None:
            values = TimestampValues(message_digest, _nonce(), datetime.now(UTC), _nonce())
            return cms.ContentInfo.load(self._template.assemble(values, self._sign_attributes))
        token = await super().async_timestamp(message_digest, md_algorithm)
        if usual and not self._measured:
            self._template, self._measured = TimestampTemplate.of(token), True
        return token

    def _sign_attributes(self, signed_attributes: bytes) -> bytes:
        assert isinstance(self._key, RSAPrivateKey)
        return self._key.sign(signed_attributes, PKCS1v15(), hashes.SHA256())

    def _sign_tst_info(self, tst_info_data: bytes, md_algorithm: str,
                       dt: datetime) -> tuple[bytes, cms.CMSAttributes]:
        digest = hashes.Hash(get_pyca_cryptography_hash(md_algorithm))
        digest.update(tst_info_data)
        signed_attrs = cms.CMSAttributes([
            _attribute("content_type", "tst_info"),
            _attribute("signing_time", cms.Time({"utc_time": core.UTCTime(dt)})),
            _attribute("signing_certificate", general.as_signing_certificate(self.tsa_cert)),
            _attribute("message_digest", digest.finalize()),
        ])
        assert isinstance(self._key, RSAPrivateKey)
        signature = self._key.sign(signed_attrs.dump(), PKCS1v15(),
                                   get_pyca_cryptography_hash(md_algorithm.upper()))
        return signature, signed_attrs
