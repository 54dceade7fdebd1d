"""The content of e-bills: text in each language, the figures of the statement, codes a reader decodes."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from invoicing.adapters.pdf import PaymentCode, PdfRenderer
from invoicing.adapters.pdf._locale import locale_for
from invoicing.domain.statement import Statement

from .conftest import make_statement, pdf_text

LABELS = {
    "ro": ["Factură", "Sold inițial", "Suma de plată", "Termen de plată", "Plăți în perioadă",
           "Pagina 1 din 1"],
    "ru": ["Счёт-фактура", "Начальное сальдо", "Сумма к оплате", "Оплатить до", "Платежи за период",
           "Страница 1 из 1"],
    "en": ["Invoice", "Opening balance", "Amount due", "Due date", "Payments in the period", "Page 1 of 1"],
}


def _figures(statement: Statement) -> list[str]:
    text = locale_for(statement.language)
    amounts = [statement.opening_balance, statement.total_charges, statement.vat_total, statement.total_paid,
               statement.closing_balance, statement.amount_due]
    return [text.amount(value, statement.currency) for value in amounts]


@pytest.mark.parametrize("language", ["ro", "ru", "en"])
async def test_the_text_holds_the_labels_names_and_totals_in_the_account_language(
        renderer: PdfRenderer, tmp_path: Path, language: str) -> None:
    statement = make_statement(language)
    [pdf] = await renderer.render([statement])
    text = pdf_text(pdf, tmp_path)
    expected = [*LABELS[language], *_figures(statement), statement.number, statement.customer_name,
                *statement.customer_address.split("\n"), statement.account_id, "Telecom Exemplu S.A."]
    assert [item for item in expected if item not in text] == []


async def test_amounts_are_written_in_each_language_convention(renderer: PdfRenderer, tmp_path: Path) -> None:
    base = make_statement("ro")
    for language, written in (("ro", "1.234,56"), ("ru", "1 234,56"), ("en", "1,234.56")):
        [pdf] = await renderer.render([make_statement(language)])
        assert written in pdf_text(pdf, tmp_path), language
    assert base.opening_balance == Decimal("1234.56")


async def test_every_service_line_and_payment_is_listed_across_numbered_pages(
        renderer: PdfRenderer, tmp_path: Path) -> None:
    statement = make_statement("en", lines=120, payments=4)
    [pdf] = await renderer.render([statement])
    text = pdf_text(pdf, tmp_path)
    pages = int(text.rsplit("Page ", 1)[1].split(" of ")[1].split()[0])
    assert pages > 1
    assert all(f"Page {page} of {pages}" in text for page in range(1, pages + 1))
    assert [line.description for line in statement.lines if line.description not in text] == []
    assert [p.reference for p in statement.payments if p.reference not in text] == []


def _decoded(pdf: bytes, tmp_path: Path) -> dict[str, str]:
    (tmp_path / "page.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", str(tmp_path / "page.pdf"),
                    str(tmp_path / "page")], check=True)
    [image] = sorted(tmp_path.glob("page*.png"))
    out = subprocess.run(["zbarimg", "-q", str(image)], capture_output=True, text=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


@pytest.mark.parametrize("language", ["ro", "ru"])
async def test_the_barcode_and_the_qr_code_carry_the_payment_data(
        renderer: PdfRenderer, tmp_path: Path, language: str) -> None:
    statement = make_statement(language, lines=30)
    [pdf] = await renderer.render([statement])
    symbols = _decoded(pdf, tmp_path)
    assert symbols["CODE-128"] == symbols["QR-Code"]
    code = PaymentCode.decode(symbols["CODE-128"])
    assert (code.account_id, code.invoice_number, code.currency) == (
        statement.account_id, statement.number, statement.currency)
    assert Decimal(code.amount_minor) / 100 == statement.amount_due


async def test_an_advance_shows_as_such_and_nothing_is_due(renderer: PdfRenderer, tmp_path: Path) -> None:
    base = make_statement("en", lines=1)
    opening = Decimal("-500.00")
    statement = replace(base, opening_balance=opening, amount_due=Decimal("0.00"),
                        closing_balance=opening + base.total_charges - base.total_paid)
    assert statement.identity_holds()
    [pdf] = await renderer.render([statement])
    text = pdf_text(pdf, tmp_path)
    assert "Opening balance (advance) -500.00" in text
    assert PaymentCode.decode(_decoded(pdf, tmp_path)["QR-Code"]).amount_minor == 0
