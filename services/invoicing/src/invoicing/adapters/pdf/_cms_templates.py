"""CMS containers assembled from DER pieces: a signature's and a development timestamp's.

asn1crypto builds a CMS structure as a tree of Python objects and serialises it again, the
certificates included, for every signature: about ten milliseconds of a document's signature and
five of its timestamp. Everything in these containers but a few values is the same for every
document (certificates, algorithms, the signer's identifier, the signing-certificate
attribute), so each template keeps those pieces as the DER that pyHanko made for a first,
reference container and only encodes the values that change: the message digest, the signature
value and the timestamp token (a timestamp: its TSTInfo, signing time and digest).

A template is made only if re-assembling the reference from its pieces gives back the
reference's exact bytes; otherwise none is made and pyHanko builds every container itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import cms, core

__all__ = ["Sign", "SignatureTemplate", "TimestampTemplate", "TimestampValues", "der"]

_SEQUENCE, _SET, _OCTETS = 0x30, 0x31, 0x04
_CONTEXT_0, _CONTEXT_1 = 0xA0, 0xA1


def der(tag: int, content: bytes) -> bytes:
    """One DER value: ``tag``, the definite length of ``content``, then ``content``."""
    size = len(content)
    if size < 0x80:
        return bytes((tag, size)) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(length))) + length + content


def _attributes(encoded: list[bytes]) -> bytes:
    """The content of a DER SET OF attributes: its members sorted by their encodings."""
    return b"".join(sorted(encoded))


@dataclass(frozen=True, slots=True)
class _SignerPieces:
    """The constant DER of one SignedData with one SignerInfo, around its variable parts."""

    content_type: bytes  # ContentInfo.contentType
    data_head: bytes  # SignedData version, digest algorithms (and, signatures, content, certificates)
    info_head: bytes  # SignerInfo version, sid, digest algorithm
    signature_algorithm: bytes

    @classmethod
    def of(cls, content: cms.ContentInfo, data_fields: tuple[str, ...]) -> _SignerPieces:
        signed = content["content"]
        info = signed["signer_infos"][0]
        return cls(content["content_type"].dump(), b"".join(signed[f].dump() for f in data_fields),
                   b"".join(info[f].dump() for f in ("version", "sid", "digest_algorithm")),
                   info["signature_algorithm"].dump())

    def assemble(self, data_middle: bytes, attributes: bytes, signature: bytes, unsigned: bytes) -> bytes:
        info = der(_SEQUENCE, self.info_head + der(_CONTEXT_0, attributes) + self.signature_algorithm
                   + der(_OCTETS, signature) + unsigned)
        signed_data = der(_SEQUENCE, self.data_head + data_middle + der(_SET, info))
        return der(_SEQUENCE, self.content_type + der(_CONTEXT_0, signed_data))


@dataclass(frozen=True, slots=True)
class SignatureTemplate:
    """A PAdES signature container: signed attributes around the document digest, one timestamp."""

    pieces: _SignerPieces
    before_digest: bytes  # the signed attributes' content up to the document digest
    after_digest: bytes
    token_type: bytes  # the unsigned attribute's type: signature-time-stamp-token

    @classmethod
    def of(cls, reference: cms.ContentInfo, digest: bytes) -> SignatureTemplate | None:
        """The template of ``reference`` (made over ``digest``), if it re-assembles to itself."""
        info = reference["content"]["signer_infos"][0]
        attributes, unsigned = info["signed_attrs"].contents, info["unsigned_attrs"]
        if not isinstance(unsigned, cms.CMSAttributes) or attributes.count(digest) != 1:
            return None
        if len(unsigned) != 1 or len(unsigned[0]["values"]) != 1:
            return None
        before, after = attributes.split(digest)
        fields = ("version", "digest_algorithms", "encap_content_info", "certificates")
        template = cls(_SignerPieces.of(reference, fields), before, after, unsigned[0]["type"].dump())
        signature, token = info["signature"].native, unsigned[0]["values"][0]
        if not _imprints(token, signature):
            return None
        return template if template.assemble(digest, signature, token.dump()) == reference.dump() else None

    def signed_attributes(self, digest: bytes) -> bytes:
        """The DER (tagged SET OF) of the signed attributes over ``digest``: what the key signs."""
        return der(_SET, self.before_digest + digest + self.after_digest)

    def assemble(self, digest: bytes, signature: bytes, token: bytes) -> bytes:
        unsigned = der(_CONTEXT_1, der(_SEQUENCE, self.token_type + der(_SET, token)))
        return self.pieces.assemble(b"", self.before_digest + digest + self.after_digest, signature,
                                    unsigned)


def _imprints(token: cms.ContentInfo, signature: bytes) -> bool:
    """Whether ``token`` timestamps the SHA-256 digest of ``signature``."""
    info = token["content"]["encap_content_info"]["content"].parsed
    imprint = info["message_imprint"]
    return bool(imprint["hash_algorithm"]["algorithm"].native == "sha256"
                and imprint["hashed_message"].native == hashlib.sha256(signature).digest())


@dataclass(frozen=True, slots=True)
class TimestampValues:
    digest: bytes  # SHA-256 of what is timestamped
    serial: int
    time: datetime
    nonce: int


Sign = Callable[[bytes], bytes]


@dataclass(frozen=True, slots=True)
class TimestampTemplate:
    """A development TSA's timestamp token (SHA-256), with its certificates and names as DER."""

    pieces: _SignerPieces
    certificates: bytes
    info_head: bytes  # TSTInfo version and policy
    imprint_algorithm: bytes
    tsa_name: bytes  # TSTInfo tsa, [0] GeneralName
    info_type: bytes  # eContentType: id-ct-TSTInfo
    fixed_attributes: tuple[bytes, ...]  # content type, signing certificate
    time_type: bytes  # the signing-time attribute's type
    digest_type: bytes  # the message-digest attribute's type

    @classmethod
    def of(cls, token: cms.ContentInfo) -> TimestampTemplate | None:
        """The template of ``token``, if it re-assembles to itself."""
        signed = token["content"]
        info = signed["encap_content_info"]["content"].parsed
        attributes = {a["type"].native: a for a in signed["signer_infos"][0]["signed_attrs"]}
        if set(attributes) != {"content_type", "signing_time", "signing_certificate", "message_digest"}:
            return None
        template = cls(
            _SignerPieces.of(token, ("version", "digest_algorithms")), signed["certificates"].dump(),
            info["version"].dump() + info["policy"].dump(),
            info["message_imprint"]["hash_algorithm"].dump(), info["tsa"].dump(),
            signed["encap_content_info"]["content_type"].dump(),
            (attributes["content_type"].dump(), attributes["signing_certificate"].dump()),
            attributes["signing_time"]["type"].dump(), attributes["message_digest"]["type"].dump())
        values = TimestampValues(info["message_imprint"]["hashed_message"].native,
                                 info["serial_number"].native, info["gen_time"].native, info["nonce"].native)
        signature = signed["signer_infos"][0]["signature"].native
        return template if template.assemble(values, lambda _: signature) == token.dump() else None

    def tst_info(self, values: TimestampValues) -> bytes:
        imprint = der(_SEQUENCE, self.imprint_algorithm + der(_OCTETS, values.digest))
        return der(_SEQUENCE, self.info_head + imprint + core.Integer(values.serial).dump()
                   + core.GeneralizedTime(values.time).dump() + core.Integer(values.nonce).dump()
                   + self.tsa_name)

    def signed_attributes(self, tst_info: bytes, time: datetime) -> bytes:
        """The content of the TSA's signed attributes over ``tst_info`` at ``time``."""
        signing_time = der(_SEQUENCE, self.time_type + der(_SET, core.UTCTime(time).dump()))
        message_digest = der(_SEQUENCE, self.digest_type
                             + der(_SET, der(_OCTETS, hashlib.sha256(tst_info).digest())))
        return _attributes([*self.fixed_attributes, signing_time, message_digest])

    def assemble(self, values: TimestampValues, sign: Sign) -> bytes:
        """The token's DER; ``sign`` signs the DER of the signed attributes (a tagged SET)."""
        tst_info = self.tst_info(values)
        attributes = self.signed_attributes(tst_info, values.time)
        content = der(_SEQUENCE, self.info_type + der(_CONTEXT_0, der(_OCTETS, tst_info)))
        return self.pieces.assemble(content + self.certificates, attributes, sign(der(_SET, attributes)), b"")
