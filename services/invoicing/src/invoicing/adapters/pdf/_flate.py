"""The Flate level of the document engine's streams: zlib's fastest (1) instead of its default (6).

reportlab compresses every page content stream and embedded font subset with ``zlib.compress`` at
the default level, a tenth of a document's render time. At level 1 a document renders about 9%
faster and grows about 6% (an e-bill of 52 KB to 55 KB); any reader inflates both alike. reportlab
offers no setting for the level, so its one Flate filter object is given this encoder when the
engine is loaded (:func:`use_fast_flate`, idempotent).
"""

from __future__ import annotations

import zlib

from reportlab.pdfbase import pdfdoc

__all__ = ["LEVEL", "use_fast_flate"]

LEVEL = 1


def _encode(text: str | bytes) -> bytes:
    return zlib.compress(text.encode("utf8") if isinstance(text, str) else text, LEVEL)


def use_fast_flate() -> None:
    """Make reportlab's Flate filter compress at ``LEVEL``."""
    pdfdoc.PDFZCompress.encode = _encode
