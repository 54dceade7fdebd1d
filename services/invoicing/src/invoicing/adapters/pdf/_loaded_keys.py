"""pyHanko signers that keep their private key loaded.

pyHanko's ``SimpleSigner`` and ``DummyTimeStamper`` parse their private key again for every
signature, and parsing an RSA key checks it (tens of milliseconds, more than the signature
itself). These subclasses parse the key once, when the worker starts, and sign with it after.
``LoadedKeySigner`` implements ``Signer.async_sign_raw``, pyHanko's documented extension point;
``LoadedKeyTimeStamper`` replaces the one method of ``DummyTimeStamper`` that signs, building
the same signed attributes with pyHanko's own helpers.
"""

from __future__ import annotations

from datetime import datetime

from asn1crypto import cms, core, keys, x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from pyhanko.sign import general, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

__all__ = ["LoadedKeySigner", "LoadedKeyTimeStamper", "SigningKey"]

SigningKey = RSAPrivateKey | EllipticCurvePrivateKey


def _load(key: keys.PrivateKeyInfo) -> SigningKey:
    loaded = serialization.load_der_private_key(key.dump(), password=None)
    if not isinstance(loaded, SigningKey):
        raise SigningError("the signing key must be RSA or EC")
    return loaded


def _attribute(kind: str, value: object) -> cms.CMSAttribute:
    return cms.CMSAttribute({"type": cms.CMSAttributeType(kind), "values": (value,)})


class LoadedKeySigner(signers.Signer):
    """A signer with its private key loaded once; ``chain`` is the certificate then its issuers."""

    def __init__(self, key: SigningKey, chain: list[x509.Certificate]) -> None:
        super().__init__(signing_cert=chain[0])
        self.cert_registry.register_multiple(chain[1:])
        self._key = key

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
