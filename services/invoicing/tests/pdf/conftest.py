"""Fixtures of the document engine tests: statements in three languages, a renderer on dev credentials."""

from __future__ import annotations

import subprocess
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import pytest_asyncio
from invoicing.adapters.pdf import PdfRenderer, PdfVerifier, build_renderer, build_verifier
from invoicing.adapters.pdf.config import DEFAULT_FONTS_DIR
from invoicing.domain.statement import Statement, StatementLine, StatementPayment
from pydantic import SecretStr

_NAMES = {"ro": ("Ștefan Țăranu-Îonescu", "str. Mănăstirii 7, ap. 3\nChișinău MD-2012"),
          "ru": ("Пётр Ильич Чайковский", "ул. Пушкина 12, кв. 5\nКишинёв MD-2001"),
          "en": ("Jane Doe", "12 Church Lane\nChisinau MD-2004")}


@dataclass(frozen=True)
class DocumentSettingsDouble:
    documents_dir: Path
    fonts_dir: Path = DEFAULT_FONTS_DIR
    signing_key: str = ""
    signing_cert: str = ""
    signing_passphrase: SecretStr | None = None
    trust_roots: str = ""
    tsa_url: str = ""
    signing_workers: int = 2
    operator_name: str = "Telecom Exemplu S.A."
    operator_address: str = "bd. Ștefan cel Mare 1, Chișinău MD-2001"
    operator_fiscal_code: str = "1003600123456"
    operator_bank_account: str = "MD24AG000225100013104168"


def make_statement(language: str = "ro", lines: int = 5, payments: int = 1, number: str = "TRF-2025-000042",
                   **changes: object) -> Statement:
    """A statement whose figures satisfy the identity, with distinct line descriptions."""
    items = tuple(_line(index) for index in range(lines))
    paid = tuple(_payment(index) for index in range(payments))
    charges = sum((item.gross for item in items), Decimal(0))
    vat = sum((item.vat for item in items), Decimal(0))
    total_paid = sum((payment.amount for payment in paid), Decimal(0))
    opening = Decimal("1234.56")
    closing = opening + charges - total_paid
    name, address = _NAMES[language]
    statement = Statement(
        invoice_id="0b9d3f7e-5a55-4c1e-9a0e-2f6f1c3b9d11", number=number,
        account_id="7f3a1c2e-1111-4a6b-9c3d-0123456789ab", customer_name=name, customer_address=address,
        language=language, currency="MDL", period_start=date(2025, 1, 1), period_end=date(2025, 1, 31),
        issued_at=datetime(2025, 2, 1, 6, tzinfo=UTC), due_date=date(2025, 2, 16), opening_balance=opening,
        lines=items, payments=paid, total_charges=charges, vat_total=vat, total_paid=total_paid,
        closing_balance=closing, amount_due=max(closing, Decimal(0)))
    return replace(statement, **changes)  # type: ignore[arg-type]


def _line(index: int) -> StatementLine:
    net = Decimal(10 + index) + Decimal("0.25")
    vat = (net * Decimal("0.2")).quantize(Decimal("0.01"))
    kind = ("voice", "sms", "data", "fee")[index % 4]
    return StatementLine(msisdn=f"+37369{index // 4:06d}", type=kind, description=f"Serviciu-{index:03d}",
                         quantity=Decimal(index + 1) * Decimal("1.5"), unit="min", net=net, vat=vat,
                         gross=net + vat)


def _payment(index: int) -> StatementPayment:
    return StatementPayment(received_at=datetime(2025, 1, 10 + index, tzinfo=UTC), channel="card",
                            reference=f"PAY-{index:04d}", amount=Decimal("50.00") + index)


@pytest.fixture(scope="session")
def documents_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("documents")


@pytest.fixture(scope="session")
def document_settings(documents_dir: Path) -> DocumentSettingsDouble:
    return DocumentSettingsDouble(documents_dir=documents_dir)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def renderer(document_settings: DocumentSettingsDouble) -> AsyncIterator[PdfRenderer]:
    engine = build_renderer(document_settings)
    yield engine
    await engine.close()


@pytest.fixture(scope="session")
def verifier(document_settings: DocumentSettingsDouble) -> PdfVerifier:
    return build_verifier(document_settings)


def pdf_text(pdf: bytes, tmp_path: Path, *crop: str) -> str:
    """The text of ``pdf`` by poppler's pdftotext, whitespace runs folded to one space."""
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", *crop, str(path), "-"], check=True, capture_output=True).stdout
    return " ".join(out.decode().split())


StatementFactory = Callable[..., Statement]
