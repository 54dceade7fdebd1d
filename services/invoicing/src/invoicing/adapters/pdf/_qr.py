"""QR symbols exactly as segno makes them, with the data mask chosen several times faster.

segno encodes a symbol, then applies each of the eight data masks and scores each result by the
standard's penalty rules (ISO/IEC 18004 7.8.3: runs, 2×2 blocks, finder-like patterns, dark
proportion), module by module in Python: three quarters of a symbol's time. Here segno encodes
the symbol once with mask 0; the data modules are recovered from it, and the eight candidates are
scored with each row and column as one integer and one string (counts and searches done by
Python's C code), with segno's own rules and tie-breaking. The chosen mask is applied to the data
modules and the format information of that mask copied from a symbol of the same version segno
made with it (cached per version), so the symbol is the one ``segno.make_qr`` gives.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import segno
import segno.encoder

__all__ = ["qr_rows"]

# segno's matrix builders, untyped: the layout of a version is read once from them.
_encoder: Any = segno.encoder
_RUN = re.compile("0{5,}|1{5,}")
_FINDER_LIKE = "1011101"
_SEPARATOR = "-"
_DIGITS = bytes.maketrans(b"\x00\x01", b"01")
_MASKS = 8


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where data and format modules are in the symbols of one version (a row is one integer)."""

    size: int
    reserved: tuple[int, ...]  # format and version information modules
    patterns: tuple[tuple[int, ...], ...]  # per mask, the data modules it turns over
    formats: tuple[tuple[int, ...], ...]  # per mask, the dark modules of its format information


def qr_rows(value: str) -> list[str]:
    """The rows of the QR symbol of ``value`` (error correction M, no border), ``"1"`` dark."""
    code = segno.make_qr(value, error="m", boost_error=False, mask=0)
    layout = _layout(code.version)
    data = [row ^ mask for row, mask in zip(_rows(code), layout.patterns[0], strict=True)]
    data = [row & ~reserved for row, reserved in zip(data, layout.reserved, strict=True)]
    best = min(range(_MASKS), key=lambda mask: (_penalty(_masked(data, layout, mask), layout.size), mask))
    final = [row | dark for row, dark in zip(_masked(data, layout, best), layout.formats[best], strict=True)]
    return [format(row, f"0{layout.size}b") for row in final]


def _rows(code: segno.QRCode) -> list[int]:
    return [int(bytes(row).translate(_DIGITS), 2) for row in code.matrix]


def _masked(data: list[int], layout: _Layout, mask: int) -> list[int]:
    return [row ^ pattern for row, pattern in zip(data, layout.patterns[mask], strict=True)]


@functools.cache
def _layout(version: int) -> _Layout:
    size = _encoder.calc_matrix_size(version)
    reserved = _bits(size, lambda i, j, free, plain: free[i][j] != plain[i][j])
    region = _data_region(size)
    masks = _encoder.get_data_mask_functions(False)
    patterns = tuple(tuple(_bits(size, lambda i, j, *_: region[i][j] and bool(fn(i, j))))  # noqa: B023
                     for fn in masks)
    formats = tuple(_format_modules(version, mask, reserved) for mask in range(_MASKS))
    return _Layout(size, reserved, patterns, formats)


def _bits(size: int, test: Callable[[int, int, tuple[bytearray, ...], tuple[bytearray, ...]], bool]
          ) -> tuple[int, ...]:
    """Rows as integers (column 0 the highest bit) of the modules for which ``test`` holds."""
    free = _encoder.make_matrix(size, size)
    plain = _encoder.make_matrix(size, size, reserve_regions=False)
    return tuple(sum(1 << (size - 1 - j) for j in range(size) if test(i, j, free, plain))
                 for i in range(size))


def _data_region(size: int) -> tuple[bytearray, ...]:
    """segno's own test of the modules a data mask applies to."""
    matrix = _encoder.make_matrix(size, size)
    _encoder.add_finder_patterns(matrix, size, size)
    _encoder.add_alignment_patterns(matrix, size, size)
    matrix[-8][8] = 0x1
    return tuple(bytearray(module > 0x1 for module in row) for row in matrix)


def _format_modules(version: int, mask: int, reserved: tuple[int, ...]) -> tuple[int, ...]:
    code = segno.make_qr("0", error="m", version=version, boost_error=False, mask=mask)
    return tuple(row & cells for row, cells in zip(_rows(code), reserved, strict=True))


def _penalty(rows: list[int], size: int) -> int:
    """segno's penalty score of a masked symbol (ISO/IEC 18004 7.8.3.1: N1 + N2 + N3 + N4).

    Rows and columns are searched as one text, each line followed by a separator that neither
    a run nor the finder-like pattern can cross.
    """
    lines = [format(row, f"0{size}b") for row in rows]
    text = _SEPARATOR.join(lines + ["".join(column) for column in zip(*lines, strict=True)])
    runs = _RUN.findall(text)
    dark = sum(row.bit_count() for row in rows)
    proportion = 10 * int(abs(dark / size**2 * 100 - 50) / 5)
    return sum(map(len, runs)) - 2 * len(runs) + _blocks(rows, size) + _finder_like(text, size) + proportion


def _blocks(rows: list[int], size: int) -> int:
    """3 points per 2×2 block of one colour (overlapping blocks each count)."""
    pairs, full = (1 << (size - 1)) - 1, (1 << size) - 1
    score = 0
    for upper, lower in itertools.pairwise(rows):
        dark = upper & (upper >> 1) & lower & (lower >> 1)
        light_upper, light_lower = ~upper & full, ~lower & full
        light = light_upper & (light_upper >> 1) & light_lower & (light_lower >> 1)
        score += 3 * ((dark & pairs).bit_count() + (light & pairs).bit_count())
    return score


def _finder_like(text: str, size: int) -> int:
    """40 points per 1:1:3:1:1 pattern with four light modules on one side, as segno counts.

    A pattern at either end of its line counts whatever is beside it, as in segno.
    """
    count, at = 0, text.find(_FINDER_LIKE)
    while at != -1:
        start = at - at % (size + 1)
        column, after = at - start, at + 7
        before, beyond = text[max(at - 4, start):at], text[after:min(after + 4, start + size)]
        if column in (0, size - 7) or "1" not in before or "1" not in beyond:
            count += 40
        else:
            after = at + 4
        at = text.find(_FINDER_LIKE, after)
    return count
