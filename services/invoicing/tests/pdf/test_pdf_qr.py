"""The QR symbols of documents are segno's own: the same modules and the same data mask."""

from __future__ import annotations

import random
import uuid

import segno
from invoicing.adapters.pdf._qr import qr_rows


def _payment_texts(count: int) -> list[str]:
    """Payment codes of many lengths (QR versions 4 to 7), some with odd account ids."""
    draw = random.Random(20250201)
    texts = []
    for index in range(count):
        odd = f"acct-{draw.getrandbits(40)}"
        account = str(uuid.UUID(int=draw.getrandbits(128)).int) if index % 3 else odd
        amount = draw.randrange(10 ** draw.randrange(1, 10))
        texts.append(f"TRF1|{account}|TRF-2025-{index:06d}|{amount}|MDL" + "9" * (index % 45))
    return texts


def test_every_module_is_the_one_segno_draws_with_its_own_mask_choice() -> None:
    texts = _payment_texts(400)
    symbols = [segno.make_qr(text, error="m", boost_error=False) for text in texts]
    assert {symbol.version for symbol in symbols} >= {4, 5, 6, 7}
    assert len({symbol.mask for symbol in symbols}) >= 5  # not one mask for all
    for text, symbol in zip(texts, symbols, strict=True):
        expected = ["".join("1" if module else "0" for module in row) for row in symbol.matrix]
        assert qr_rows(text) == expected, text
