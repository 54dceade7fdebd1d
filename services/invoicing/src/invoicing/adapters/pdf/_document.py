"""Statements into PDF bytes: one document per statement, or one print batch for many."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from invoicing.domain.statement import Operator, Statement

from ._flate import use_fast_flate
from ._locale import locale_for
from ._pages import draw_statement

__all__ = ["render_print_batch", "render_statement"]


def render_statement(statement: Statement, operator: Operator, *, signed: bool = True) -> bytes:
    """The unsigned PDF of ``statement`` in the account's language."""
    text = locale_for(statement.language)
    buffer = BytesIO()
    canvas = _canvas(buffer, f"{text.title(statement.kind)} {statement.number}", operator)
    canvas.setSubject(f"{statement.account_id} {statement.period_start}/{statement.period_end}")
    draw_statement(canvas, statement, operator, text, signed=signed)
    canvas.save()
    return buffer.getvalue()


def render_print_batch(statements: Sequence[Statement], operator: Operator, title: str) -> bytes:
    """One PDF holding the pages of every statement in turn, for printing and enveloping (SPEC I8).

    Each statement starts on a new page with its delivery address in the envelope window; its
    pages are numbered on their own ("page 1 of 2"), so the print shop can tell statements apart.
    """
    buffer = BytesIO()
    canvas = _canvas(buffer, title, operator)
    for statement in statements:
        draw_statement(canvas, statement, operator, locale_for(statement.language), signed=False)
    canvas.save()
    return buffer.getvalue()


def _canvas(buffer: BytesIO, title: str, operator: Operator) -> Canvas:
    # invariant: no creation date or random id in the bytes, the same statement gives the same PDF.
    use_fast_flate()
    canvas = Canvas(buffer, pagesize=A4, invariant=True, pageCompression=True)
    canvas.setTitle(title)
    canvas.setAuthor(operator.name)
    canvas.setCreator("Tarifa")
    return canvas
