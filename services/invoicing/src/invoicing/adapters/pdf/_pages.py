"""The pages of one statement on an A4 canvas (SPEC I2, I5, I8).

Page one: operator header, the customer's name and postal address in the window of a DL
envelope (DIN 5008 form B: 20 mm from the left, 45 mm from the top, 85 × 45 mm), the account and
period, the summary of the statement, then the services and payments, and a payment band with
the Code 128 barcode and the QR code. Following pages carry a short header and the rest of the
rows. Every page says "page X of Y".
"""

from __future__ import annotations

from decimal import Decimal

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from invoicing.domain.statement import Operator, Statement

from ._drawing import BOLD, REGULAR, draw_code128, draw_qr, fit, wrap
from ._locale import Locale
from ._rows import Row, paginate, statement_rows
from .payment_code import PaymentCode

__all__ = ["draw_statement"]

WIDTH, HEIGHT = float(A4[0]), float(A4[1])
LEFT, RIGHT = 15 * mm, WIDTH - 15 * mm
WINDOW_LEFT, WINDOW_WIDTH = 20 * mm, 85 * mm
WINDOW_TOP = 45.0  # mm from the top of the page
_FLOW_FIRST, _FLOW_FIRST_END = 143.0, 232.0  # mm from the top, page one
_FLOW_NEXT, _FLOW_NEXT_END = 30.0, 280.0


def _y(top_mm: float) -> float:
    """Canvas y of a position given in mm from the top of the page."""
    return HEIGHT - top_mm * float(mm)


def draw_statement(canvas: Canvas, statement: Statement, operator: Operator, text: Locale, *,
                   signed: bool) -> None:
    """Draw every page of ``statement``, ending each with ``showPage``."""
    pages = paginate(statement_rows(statement, text), _FLOW_FIRST_END - _FLOW_FIRST,
                     _FLOW_NEXT_END - _FLOW_NEXT)
    for number, rows in enumerate(pages, start=1):
        if number == 1:
            _first_page(canvas, statement, operator, text)
        else:
            _next_page_header(canvas, statement, operator, text)
        _draw_rows(canvas, rows, _FLOW_FIRST if number == 1 else _FLOW_NEXT)
        _footer(canvas, text, number, len(pages), signed)
        canvas.showPage()


def _first_page(canvas: Canvas, statement: Statement, operator: Operator, text: Locale) -> None:
    _operator_header(canvas, operator)
    _title(canvas, statement, text)
    _window_address(canvas, statement)
    _account_block(canvas, statement, text)
    if statement.kind == "invoice":
        _summary(canvas, statement, text)
        _payment_band(canvas, statement, text)
    else:
        _totals(canvas, statement, text)


def _operator_header(canvas: Canvas, operator: Operator) -> None:
    canvas.setFont(BOLD, 13)
    canvas.drawString(LEFT, _y(16), operator.name)
    canvas.setFont(REGULAR, 8)
    lines = [*wrap(operator.address, REGULAR, 8, 100 * mm), operator.fiscal_code, operator.bank_account]
    for index, line in enumerate(lines[:5]):
        canvas.drawString(LEFT, _y(21 + 4 * index), line)


def _title(canvas: Canvas, statement: Statement, text: Locale) -> None:
    canvas.setFont(BOLD, 16)
    canvas.drawRightString(RIGHT, _y(17), text.title(statement.kind))
    canvas.setFont(REGULAR, 9)
    canvas.drawRightString(RIGHT, _y(23), f"{text('number')} {statement.number}")
    canvas.drawRightString(RIGHT, _y(28), f"{text('issued')}: {text.date(statement.issued_at)}")


def _window_address(canvas: Canvas, statement: Statement) -> None:
    # A paper bill goes to its delivery address; an e-bill shows the customer's postal address.
    paper = statement.delivery_medium == "paper" and statement.delivery_address
    address = statement.delivery_address if paper else statement.customer_address
    canvas.setFont(BOLD, 10)
    canvas.drawString(WINDOW_LEFT, _y(WINDOW_TOP + 8), fit(statement.customer_name, BOLD, 10, WINDOW_WIDTH))
    canvas.setFont(REGULAR, 10)
    for index, line in enumerate(wrap(address, REGULAR, 10, WINDOW_WIDTH)[:7]):
        canvas.drawString(WINDOW_LEFT, _y(WINDOW_TOP + 13 + 4.5 * index), line)


def _account_block(canvas: Canvas, statement: Statement, text: Locale) -> None:
    due = text.date(statement.due_date) if statement.due_date else text("no_due_date")
    period = f"{text.date(statement.period_start)} – {text.date(statement.period_end)}"
    pairs = [(text("account"), statement.account_id), (text("period"), period),
             (text("due_date"), due)]
    for index, (label, value) in enumerate(pairs):
        canvas.setFont(REGULAR, 8)
        canvas.drawString(118 * mm, _y(WINDOW_TOP + 8 + 10 * index), label)
        canvas.setFont(BOLD, 9)
        canvas.drawString(118 * mm, _y(WINDOW_TOP + 12 + 10 * index), fit(value, BOLD, 9, 77 * mm))


def _summary(canvas: Canvas, statement: Statement, text: Locale) -> None:
    money, cur = text.amount, statement.currency
    pairs = [
        (_balance_label(text, "opening_balance", statement.opening_balance),
         money(statement.opening_balance, cur)),
        (text("total_charges"), money(statement.total_charges, cur)),
        (f"  {text('vat_total')}", money(statement.vat_total, cur)),
        (text("total_paid"), money(statement.total_paid, cur)),
        (_balance_label(text, "closing_balance", statement.closing_balance),
         money(statement.closing_balance, cur)),
    ]
    canvas.setFont(BOLD, 11)
    canvas.drawString(LEFT, _y(101), f"{text('summary')} ({cur})")
    canvas.setFont(REGULAR, 9.5)
    for index, (label, value) in enumerate(pairs):
        canvas.drawString(LEFT, _y(108 + 5.5 * index), label)
        canvas.drawRightString(LEFT + 110 * mm, _y(108 + 5.5 * index), value)
    _amount_due_box(canvas, statement, text)


def _totals(canvas: Canvas, statement: Statement, text: Locale) -> None:
    """A credit note or a detailed bill: its total and VAT, nothing to pay."""
    pairs = [(text("total"), text.money(statement.total_charges, statement.currency)),
             (f"  {text('vat_total')}", text.money(statement.vat_total, statement.currency))]
    canvas.setFont(REGULAR, 9.5)
    for index, (label, value) in enumerate(pairs):
        canvas.drawString(LEFT, _y(108 + 5.5 * index), label)
        canvas.drawRightString(LEFT + 110 * mm, _y(108 + 5.5 * index), value)


def _balance_label(text: Locale, key: str, balance: Decimal) -> str:
    """A statement balance is a debt when positive, an advance when negative."""
    if not balance:
        return text(key)
    return f"{text(key)} ({text('advance' if balance < 0 else 'debt')})"


def _amount_due_box(canvas: Canvas, statement: Statement, text: Locale) -> None:
    canvas.roundRect(135 * mm, _y(137), RIGHT - 135 * mm, 33 * mm, 2 * mm)
    canvas.setFont(REGULAR, 9)
    canvas.drawString(139 * mm, _y(111), text("amount_due"))
    canvas.setFont(BOLD, 15)
    canvas.drawString(139 * mm, _y(120), text.money(statement.amount_due, statement.currency))
    canvas.setFont(REGULAR, 9)
    due = text.date(statement.due_date) if statement.due_date else text("no_due_date")
    canvas.drawString(139 * mm, _y(128), f"{text('due_date')}: {due}")


def _payment_band(canvas: Canvas, statement: Statement, text: Locale) -> None:
    code = PaymentCode.of(statement).encode()
    canvas.setDash(2, 2)
    canvas.line(LEFT, _y(236), RIGHT, _y(236))
    canvas.setDash()
    canvas.setFont(BOLD, 10)
    canvas.drawString(LEFT, _y(244), text("pay_with_code"))
    canvas.setFont(REGULAR, 9)
    due = text.money(statement.amount_due, statement.currency)
    canvas.drawString(LEFT, _y(250), f"{text('amount_due')}: {due}")
    canvas.drawString(LEFT, _y(255), f"{text('account')}: {statement.account_id}")
    canvas.drawString(LEFT, _y(260), f"{text('number')} {statement.number}")
    draw_qr(canvas, code, RIGHT - 34 * mm, _y(271), 34 * mm)
    draw_code128(canvas, code, LEFT, _y(286), RIGHT - LEFT, 13 * mm)


def _next_page_header(canvas: Canvas, statement: Statement, operator: Operator, text: Locale) -> None:
    canvas.setFont(BOLD, 10)
    canvas.drawString(LEFT, _y(15), operator.name)
    canvas.setFont(REGULAR, 9)
    canvas.drawRightString(RIGHT, _y(15),
                           f"{text.title(statement.kind)} {text('number')} {statement.number}")
    canvas.line(LEFT, _y(19), RIGHT, _y(19))


def _draw_rows(canvas: Canvas, rows: list[Row], top: float) -> None:
    for row in rows:
        top += row.height
        if row.kind == "section":
            canvas.setFont(BOLD, 11)
            canvas.drawString(LEFT, _y(top - 2), row.cells[0])
        elif row.kind == "group":
            canvas.setFont(BOLD, 9)
            canvas.drawString(LEFT, _y(top - 1.5), row.cells[0])
        elif row.kind in ("header", "item"):
            _draw_cells(canvas, row, _y(top - 1.5), BOLD if row.kind == "header" else REGULAR)


def _draw_cells(canvas: Canvas, row: Row, y: float, font: str) -> None:
    canvas.setFont(font, 8)
    for cell, column in zip(row.cells, row.columns, strict=True):
        shown = fit(cell, font, 8, column.width * mm)
        if column.right:
            canvas.drawRightString(LEFT + (column.offset + column.width) * mm, y, shown)
        else:
            canvas.drawString(LEFT + column.offset * mm, y, shown)


def _footer(canvas: Canvas, text: Locale, number: int, pages: int, signed: bool) -> None:
    canvas.setFont(REGULAR, 7)
    if signed:
        canvas.drawString(LEFT, _y(291), text("signed"))
    canvas.drawRightString(RIGHT, _y(291), text("page", page=number, pages=pages))
