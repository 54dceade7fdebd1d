"""Paper statements (SPEC I8): one print batch, one page set per statement, address in the envelope window."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from invoicing.adapters.pdf import PdfRenderer
from reportlab.lib.units import mm

from .conftest import make_statement, pdf_text

# The DL window (DIN 5008 form B): 20 mm from the left, 45 mm from the top, 85 × 45 mm, in points.
WINDOW = ["-x", str(round(20 * mm)), "-y", str(round(45 * mm)), "-W", str(round(85 * mm)),
          "-H", str(round(45 * mm))]


async def test_each_statement_gets_its_pages_with_its_delivery_address_in_the_window(
        renderer: PdfRenderer, tmp_path: Path) -> None:
    statements = [replace(make_statement("ro", lines=lines, number=f"TRF-2025-{index:06d}"),
                          delivery_medium="paper",
                          delivery_address=f"str. Florilor {index + 1}\nBălți MD-3100")
                  for index, lines in enumerate((3, 90, 5))]
    batch = await renderer.render_print_batch(statements, "Billing run 2025-01")
    text = pdf_text(batch, tmp_path)
    assert text.count("Pagina 1 din ") == len(statements)
    assert _page_count(text, 2) > 1
    first_pages = [1, 2, 2 + _page_count(text, 2)]
    for statement, page in zip(statements, first_pages, strict=True):
        window = pdf_text(batch, tmp_path, "-f", str(page), "-l", str(page), *WINDOW)
        assert statement.customer_name in window
        assert all(line in window for line in statement.delivery_address.split("\n"))


def _page_count(text: str, nth_set: int) -> int:
    """The Y of "page 1 of Y" of the ``nth_set``-th statement of a batch."""
    return int(text.split("Pagina 1 din ")[nth_set].split()[0])


async def test_a_print_batch_is_not_signed(renderer: PdfRenderer) -> None:
    batch = await renderer.render_print_batch([make_statement("ru")])
    assert b"/ByteRange" not in batch and batch.startswith(b"%PDF-")
