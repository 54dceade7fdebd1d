"""The signature's incremental update of a rendered document, written in one pass.

pyHanko reads the whole document into its object model, walks the page tree, writes the update
and then digests it: about four milliseconds a document. The documents here are reportlab's
(one classic cross-reference table, no object streams), so the update is written straight from
the few objects it changes, the same ones pyHanko's has: the first page (gaining the signature
widget in ``/Annots``), the catalog (``/AcroForm``, PDF 1.7 and the ETSI extension of PAdES)
and the document information (its ``/ModDate``), then the form, the widget and the signature
dictionary with the ``/ByteRange`` already right and ``/Contents`` reserved. The bytes around
``/Contents`` are digested once and the container written into its place.

``signed_document`` gives ``None`` when the document is not laid out as expected or the
container does not fit; the caller then signs with pyHanko.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

__all__ = ["signed_document"]

_TRAILER = re.compile(rb"trailer\s*<<(.*?)>>\s*startxref\s+(\d+)\s+%%EOF\s*$", re.S)
_REFERENCE = rb"/%s\s+(\d+)\s+0\s+R"
_FIRST_ID = re.compile(rb"/ID\s*\[\s*<([0-9a-fA-F]+)>")
_SIZE = re.compile(rb"/Size\s+(\d+)")
_XREF = re.compile(rb"xref\s+0\s+(\d+)\s+")
_KIDS = re.compile(rb"/Kids\s*\[\s*(\d+)\s+0\s+R")
_MOD_DATE = re.compile(rb"/ModDate\s*\([^()\\]*\)")
_EXTENSIONS = (b"/Version /1.7 /AcroForm %d 0 R /Extensions << /ESIC << /Type /DeveloperExtensions"
               b" /BaseVersion /1.7 /ExtensionLevel 1 >> >>")

Container = Callable[[bytes], bytes]  # the CMS signature container (DER) over a SHA-256 digest


@dataclass(frozen=True, slots=True)
class _Base:
    """What the update needs of the document it extends."""

    previous: int  # offset of its cross-reference table
    size: int
    root: int
    info: int
    first_id: bytes
    offsets: _Offsets
    objects: dict[int, bytes]  # the bodies (between ``obj`` and ``endobj``) of the catalog, page, info


def signed_document(pdf: bytes, when: datetime, reserved: int, container: Container) -> bytes | None:
    """``pdf`` with its signature update, ``reserved`` hex digits kept for the container."""
    base = _read(pdf)
    if base is None:
        return None
    page = _first_page(base)
    if page is None:
        return None
    update, contents = _update(base, page, when, len(pdf), reserved)
    document = bytearray(pdf + update)
    start = len(pdf) + contents
    end = start + reserved + 2
    digest = hashlib.sha256(memoryview(document)[:start])
    digest.update(memoryview(document)[end:])
    signature = container(digest.digest()).hex().upper().encode()
    if len(signature) > reserved:
        return None
    document[start + 1:start + 1 + len(signature)] = signature
    return bytes(document)


def _read(pdf: bytes) -> _Base | None:
    trailer = _TRAILER.search(pdf, max(0, len(pdf) - 2048))
    if trailer is None:
        return None
    fields, previous = trailer.group(1), int(trailer.group(2))
    root, info = re.search(_REFERENCE % b"Root", fields), re.search(_REFERENCE % b"Info", fields)
    size, first_id = _SIZE.search(fields), _FIRST_ID.search(fields)
    table = _XREF.match(pdf, previous)
    if not (root and info and size and first_id and table) or int(table.group(1)) != int(size.group(1)):
        return None
    offsets = _Offsets(pdf, table.end(), int(size.group(1)))
    objects = {}
    for number in (int(root.group(1)), int(info.group(1))):
        if (body := offsets.body(number)) is not None:
            objects[number] = body
    return _Base(previous, offsets.size, int(root.group(1)), int(info.group(1)), first_id.group(1), offsets,
                 objects)


@dataclass(frozen=True, slots=True)
class _Offsets:
    """A classic cross-reference table of 20-byte entries, one subsection from object 0."""

    pdf: bytes
    start: int
    size: int

    def body(self, number: int) -> bytes | None:
        if not 0 < number < self.size:
            return None
        offset = int(self.pdf[self.start + 20 * number:self.start + 20 * number + 10])
        head = b"%d 0 obj" % number
        if not self.pdf.startswith(head, offset):
            return None
        end = self.pdf.find(b"endobj", offset)
        return self.pdf[offset + len(head):end].strip() if end > 0 else None


def _first_page(base: _Base) -> tuple[int, bytes] | None:
    catalog = base.objects.get(base.root)
    pages = re.search(_REFERENCE % b"Pages", catalog or b"")
    if catalog is None or base.info not in base.objects or pages is None or b"/AcroForm" in catalog:
        return None
    kids = _KIDS.search(base.offsets.body(int(pages.group(1))) or b"")
    page = base.offsets.body(int(kids.group(1))) if kids else None
    if kids is None or page is None or b"/Annots" in page or not page.endswith(b">>"):
        return None
    return int(kids.group(1)), page


def _update(base: _Base, page: tuple[int, bytes], when: datetime, offset: int,
            reserved: int) -> tuple[bytes, int]:
    """The update's bytes (it starts at ``offset``) and where its ``/Contents`` string starts in them."""
    stamp = when.strftime("D:%Y%m%d%H%M%SZ").encode()
    objects, positions = _objects(base, page, stamp, offset)
    signature = base.size + 2
    positions[signature] = offset + len(objects)
    head = (b"%d 0 obj\n<<\n/Type /Sig\n/Filter /Adobe.PPKLite\n/SubFilter /ETSI.CAdES.detached\n"
            b"/M (%s)\n" % (signature, stamp))
    contents = positions[signature] + len(head) + len(_byte_range(0, 0, 0))
    after = contents + reserved + 2
    trailer = _trailer(base, positions, after + len(_SIGNATURE_END))
    total = after + len(_SIGNATURE_END) + len(trailer)
    signature_object = (head + _byte_range(contents, after, total - after) + b"<" + b"0" * reserved + b">"
                        + _SIGNATURE_END)
    return objects + signature_object + trailer, contents - offset


_SIGNATURE_END = b"\n>>\nendobj\n"


def _byte_range(contents: int, after: int, rest: int) -> bytes:
    return b"/ByteRange [0 %010d %010d %010d]\n/Contents " % (contents, after, rest)


def _objects(base: _Base, page: tuple[int, bytes], stamp: bytes, offset: int) -> tuple[bytes, dict[int, int]]:
    """The changed page, catalog and information, the form and the widget; and their offsets."""
    form, widget, signature = base.size, base.size + 1, base.size + 2
    bodies = {page[0]: _with(page[1], b"/Annots [ %d 0 R ]" % widget),
              base.root: _with(base.objects[base.root], _EXTENSIONS % form),
              base.info: _MOD_DATE.sub(b"/ModDate (" + stamp + b")", base.objects[base.info], count=1),
              form: b"<<\n/Fields [ %d 0 R ]\n/SigFlags 3\n>>" % widget,
              widget: (b"<<\n/FT /Sig\n/T (Signature)\n/Type /Annot\n/Subtype /Widget\n/F 132\n"
                       b"/Rect [ 0 0 0 0 ]\n/P %d 0 R\n/V %d 0 R\n>>" % (page[0], signature))}
    written, positions = b"\n", {}
    for number, body in bodies.items():
        positions[number] = offset + len(written)
        written += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    return written, positions


def _with(dictionary: bytes, entries: bytes) -> bytes:
    """``dictionary`` (``<< … >>``) with ``entries`` added before its end."""
    return dictionary[:-2].rstrip() + b"\n" + entries + b"\n>>"


def _trailer(base: _Base, positions: dict[int, int], xref_at: int) -> bytes:
    entries = b"".join(b"%d 1\n%010d 00000 n \n" % (number, at) for number, at in sorted(positions.items()))
    new_id = os.urandom(16).hex().encode()
    return (b"xref\n0 1\n0000000000 65535 f \n" + entries
            + b"trailer\n<<\n/ID [ <%s> <%s> ]\n/Info %d 0 R\n/Root %d 0 R\n/Size %d\n/Prev %d\n>>\n"
              b"startxref\n%d\n%%%%EOF\n" % (base.first_id, new_id, base.info, base.root, base.size + 3,
                                             base.previous, xref_at))
