"""Documents through the real engine (rendered, signed with the development credentials and
timestamped): the verification endpoint, credit notes and detailed bills as signed PDFs."""

from __future__ import annotations

import subprocess
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from invoicing.adapters.pdf import PaymentCode, UnusableCredentials
from invoicing.bootstrap import MIGRATIONS, build_app
from invoicing.settings import InvoicingSettings
from tarifa.db import prepare_database
from tarifa.testing.apps import running_client

from .world import (
    april_and_may,
    eventually,
    invoices_of,
    is_problem,
    operator,
    run_billing,
    set_clock,
    subscriber,
)

PDF = {"Content-Type": "application/pdf"}


@pytest_asyncio.fixture
async def engine_client(settings: InvoicingSettings,
                        tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The service with its own document engine, its credentials made under ``tmp_path``."""
    real = settings.model_copy(update={"documents_dir": tmp_path / "documents",
                                       "signing_workers": 1})
    await prepare_database(MIGRATIONS, real.dsn)
    async with running_client(build_app(real)) as client:
        yield client


async def _issued_invoice(settings: InvoicingSettings, client: httpx.AsyncClient,
                          language: str = "ro") -> tuple[str, dict[str, Any], bytes]:
    await set_clock(client, "2026-06-10T06:00:00+00:00")
    account_id, _ = await april_and_may(settings, client, language=language)
    await run_billing(client, "2026-05-31")
    [invoice] = await invoices_of(client, account_id)
    pdf = await client.get(f"/v1/invoices/{invoice['id']}/pdf", headers=operator())
    assert pdf.status_code == 200
    return account_id, invoice, pdf.content


async def _verify(client: httpx.AsyncClient, pdf: bytes, account_id: str) -> dict[str, object]:
    response = await client.post("/v1/documents/verify", content=pdf,
                                 headers=subscriber(account_id) | PDF)
    assert response.status_code == 200, response.text
    verdict: dict[str, object] = response.json()
    return verdict


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True).stdout
    return " ".join(out.decode().split())


_TOTALS = ("opening_balance", "total_charges", "vat_total", "total_paid", "closing_balance",
           "amount_due")
_DECIMAL_MARK = {"ro": ",", "ru": ",", "en": "."}
_DUE_DATE = {"ro": "16.06.2026", "ru": "16.06.2026", "en": "2026-06-16"}
_SMS = {"ro": "60 mesaje", "ru": "60 сообщ.", "en": "60 messages"}


def _written(amount: str, language: str) -> str:
    """An amount of the invoice JSON as the document writes it (below 1,000: no grouping)."""
    assert abs(Decimal(amount)) < 1000
    return amount.replace(".", _DECIMAL_MARK[language])


def _symbols(pdf: bytes, tmp_path: Path) -> dict[str, str]:
    """What zbar reads off the first page rendered by poppler: symbol type → text."""
    (tmp_path / "invoice.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1",
                    str(tmp_path / "invoice.pdf"), str(tmp_path / "page")], check=True)
    [image] = sorted(tmp_path.glob("page*.png"))
    out = subprocess.run(["zbarimg", "-q", str(image)], capture_output=True, text=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


@pytest.mark.parametrize("language", ["ro", "ru", "en"])
async def test_the_document_shows_the_figures_of_the_invoice_json_in_the_account_language(
    engine_client: httpx.AsyncClient, settings: InvoicingSettings, tmp_path: Path, language: str
) -> None:
    account_id, listed, pdf = await _issued_invoice(settings, engine_client, language)
    invoice = (await engine_client.get(f"/v1/invoices/{listed['id']}", headers=operator())).json()
    assert (Decimal(invoice["total_charges"]), invoice["due_date"]) == (Decimal("36.00"), "2026-06-16")
    text = _text(pdf, tmp_path)
    expected = [invoice["number"], account_id, _DUE_DATE[language], _SMS[language],
                *(_written(invoice[name], language) for name in _TOTALS)]
    assert [item for item in expected if item not in text] == [], text
    symbols = _symbols(pdf, tmp_path)
    assert symbols["CODE-128"] == symbols["QR-Code"]
    code = PaymentCode.decode(symbols["QR-Code"])
    assert (code.account_id, code.invoice_number, code.currency) == (
        account_id, invoice["number"], invoice["currency"])
    assert Decimal(code.amount_minor) / 100 == Decimal(invoice["amount_due"])


async def test_an_issued_invoice_verifies_and_one_changed_byte_does_not(
    engine_client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    account_id, invoice, pdf = await _issued_invoice(settings, engine_client)
    verdict = await _verify(engine_client, pdf, account_id)
    assert verdict["valid"] is True and verdict["signer"] == "Tarifa development operator"
    assert verdict["timestamp"] is not None and "intact" in str(verdict["reason"])
    tampered = pdf.replace(b"ReportLab", b"ReportLaX", 1)
    assert sum(a != b for a, b in zip(pdf, tampered, strict=True)) == 1
    refused = await _verify(engine_client, tampered, account_id)
    assert refused["valid"] is False
    assert "changed after it was signed" in str(refused["reason"])
    junk = await _verify(engine_client, b"%PDF-1.7 not really", account_id)
    assert junk["valid"] is False and "not a readable PDF" in str(junk["reason"])
    again = await engine_client.get(f"/v1/invoices/{invoice['id']}/pdf", headers=operator())
    assert again.content == pdf


async def test_credit_notes_and_detailed_bills_are_signed_documents_too(
    engine_client: httpx.AsyncClient, settings: InvoicingSettings, tmp_path: Path
) -> None:
    account_id, invoice, _ = await _issued_invoice(settings, engine_client)
    note = (await engine_client.post(f"/v1/invoices/{invoice['id']}/credit-notes",
                                     json={"amount": "10.00", "reason": "Întrerupere rețea"},
                                     headers=operator())).json()
    bill = (await engine_client.post(f"/v1/accounts/{account_id}/detailed-bills",
                                     json={"from": "2026-05-01", "to": "2026-05-31",
                                           "direction": "out"},
                                     headers=subscriber(account_id))).json()
    documents = {}
    for path in (f"/v1/credit-notes/{note['id']}/pdf", f"/v1/detailed-bills/{bill['id']}/pdf"):
        found = await eventually(lambda p=path: engine_client.get(p, headers=operator()),
                                 lambda r: r.status_code == 200)
        documents[path] = found.content
        assert (await _verify(engine_client, found.content, account_id))["valid"] is True
    note_text, bill_text = (_text(pdf, tmp_path) for pdf in documents.values())
    assert "Notă de creditare" in note_text and note["number"] in note_text
    assert f"{invoice['number']}: Întrerupere rețea" in note_text and "-10,00 MDL" in note_text
    assert "Factură detaliată" in bill_text and "2026-05-15" in bill_text


async def test_the_service_does_not_start_with_signing_credentials_it_cannot_use(
    settings: InvoicingSettings, tmp_path: Path
) -> None:
    broken = settings.model_copy(update={"documents_dir": tmp_path / "documents",
                                         "signing_key": str(tmp_path / "missing.p12")})
    await prepare_database(MIGRATIONS, broken.dsn)
    with pytest.raises(UnusableCredentials, match="INVOICING_SIGNING_KEY"):
        async with running_client(build_app(broken)):
            pass


async def test_verification_needs_a_token_and_a_pdf_body_of_reasonable_size(
    client: httpx.AsyncClient,
) -> None:
    path = "/v1/documents/verify"
    assert is_problem(await client.post(path, content=b"%PDF", headers=PDF), 401)
    assert is_problem(await client.post(path, content=b"", headers=operator() | PDF), 422)
    as_json = await client.post(path, json={"pdf": "x"}, headers=operator())
    assert is_problem(as_json, 415)
    huge = b"0" * (20 * 1024 * 1024 + 1)
    assert is_problem(await client.post(path, content=huge, headers=operator() | PDF), 413)
