"""Drawing primitives of documents: the Unicode font, text in a box, the Code 128 and QR codes.

DejaVu Sans (a TrueType font Debian ships) is embedded, subset, in every document so Romanian
diacritics (ăâîșț) and Cyrillic render on any reader.
"""

from __future__ import annotations

import re
from pathlib import Path

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.units import inch, mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.pathobject import PDFPathObject

from ._qr import qr_rows

__all__ = ["BOLD", "REGULAR", "draw_code128", "draw_qr", "register_fonts", "wrap"]

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}
_MAX_BAR = 0.5 * mm
# Bars a whole number of 1/100 inch wide, on that grid, fall on whole pixels of a scan, print or
# rendering at 100, 200, 300 or 600 dpi: no bar is blurred across two pixels.
_GRID = inch / 100
_QUIET = 10  # modules of blank space on each side of a Code 128 symbol
_QR_BORDER = 4  # modules of quiet zone around a QR symbol
_DARK_RUN = re.compile("1+")


def register_fonts(directory: Path) -> None:
    """Register the document fonts once per process (reportlab keeps a process-wide registry)."""
    known = set(pdfmetrics.getRegisteredFontNames())
    for name, file in _FILES.items():
        if name not in known:
            pdfmetrics.registerFont(TTFont(name, str(directory / file)))


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Split ``text`` on its own line breaks, then to lines no wider than ``width``."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(simpleSplit(paragraph, font, size, width) or [""])
    return lines


def fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut with an ellipsis so that it is no wider than ``width``."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def draw_code128(canvas: Canvas, value: str, x: float, y: float, width: float, height: float) -> None:
    """A Code 128 symbol of ``value`` with its quiet zones, as wide as fits ``width``, centred."""
    modules = Code128(value, barWidth=1, quiet=0).width
    bar = min(_MAX_BAR, width / (modules + 2 * _QUIET))
    if bar >= _GRID:
        bar -= bar % _GRID
    symbol = Code128(value, barWidth=bar, barHeight=height, humanReadable=False,
                     lquiet=_QUIET * bar, rquiet=_QUIET * bar)
    left = x + (width - symbol.width) / 2
    symbol.drawOn(canvas, left - left % _GRID, y)


def draw_qr(canvas: Canvas, value: str, x: float, y: float, size: float) -> None:
    """A QR code of ``value`` (error correction M, with its quiet border) in a ``size`` square.

    The symbol is segno's (mask chosen by the standard's penalty rules, see ``_qr``), drawn as
    one path of dark runs straight on the canvas, several times faster than reportlab's QR
    widget (a shape object with checked attributes per module); the path's operators are
    formatted as ``PDFPathObject.rect`` formats them, without a method call per run.
    """
    rows = qr_rows(value)
    box = size / (len(rows) + 2 * _QR_BORDER)
    code = ["n"]  # what a path begun by canvas.beginPath() and drawn with rect() holds
    for row, modules in enumerate(rows):
        top = y + size - (row + _QR_BORDER + 1) * box
        code.extend(f"{fp_str(x + (run.start() + _QR_BORDER) * box, top, len(run.group()) * box, box)} re"
                    for run in _DARK_RUN.finditer(modules))
    canvas.drawPath(PDFPathObject(code=code), stroke=0, fill=1)
