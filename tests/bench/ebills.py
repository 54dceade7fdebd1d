"""Signed e-bills per second: the document engine against a naive same-run baseline.

The engine renders and signs in a process pool (one worker per CPU), each worker keeping the
operator's key and the TSA client loaded and reserving the signature size after its first
document. The baseline is what a first implementation does: in one process, for each statement,
render it, load the key from its files, and sign it with pyHanko's defaults (size estimated by a
dry-run signature and timestamp); a second reference line keeps the key loaded once. All use
the development CA and the in-process development TSA. Nothing is asserted on time; the
figures are printed, with the CPU milliseconds per document of the workers and of the caller
(read from /proc around the timed batch): on this shared machine the wall-clock rate follows the
other processes' load, the CPU time much less.

What each change gave, in CPU ms per document (300 statements, 2 workers, a busy machine; the
first and last lines from the same bench, the others in one process or between them):

- before: 38.9 in the workers + 0.9 in the caller = 39.7 ms (50 e-bills/s on 2 idle cores);
  signing was 22 ms of it (asn1crypto building and serialising the CMS containers), the QR
  code's mask choice 4 ms, pyHanko's incremental writer 4 ms.
- CMS signature container and development timestamp token from DER templates (checked against
  pyHanko's first container byte for byte): signing 22 -> 4 ms.
- QR data mask scored on rows and columns as integers and strings (the same symbol): 5.5 -> 2.3 ms.
- signature update written from the changed objects, digested once: signing 4 -> under 1 ms;
  the bench then read 14.2 + 1.1 = 15.2 ms.
- the pool fed in chunks of up to 16 statements: the caller 1.1 -> 0.2 ms (13.3 + 0.2 = 13.6).
- QR path operators formatted without a call per run: about 0.5 ms.
- after: 11.8 in the workers + 0.2 in the caller = 12.0 ms (about 167 e-bills/s on 2 idle cores).

Where a document's 12 ms go now: reportlab's save about 5 (TrueType subsetting 1.5 and its
zlib 2.3, object formatting), the QR symbol about 3 (segno's encoding 1.6), the text and rows
about 2, the Code 128 symbol 0.6, the signature under 1 (two RSA signatures of 0.4 each). Several
timestamp requests in flight at once would only matter with a remote TSA: the development TSA
answers in-process in well under a millisecond.

Run: ``uv run python tests/bench/ebills.py [N]`` (default 200 statements), or ``make bench``.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import NamedTuple

from asn1crypto import keys, pem, x509
from invoicing.adapters.pdf import PdfRenderer, build_renderer
from invoicing.adapters.pdf._document import render_statement
from invoicing.adapters.pdf._drawing import register_fonts
from invoicing.adapters.pdf._signing import signature_metadata
from invoicing.adapters.pdf.config import DEFAULT_FONTS_DIR, operator_of
from invoicing.domain.statement import Statement, StatementLine, StatementPayment
from pydantic import SecretStr
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.timestamps import DummyTimeStamper
from tarifa.testing.cpu import cpu_seconds

DEFAULT_COUNT = 200
BASELINE_COUNT = 60  # the baseline's rate is steady; more statements only make the run longer


class _Settings(NamedTuple):  # not a dataclass: ``make bench`` loads this file outside sys.modules
    documents_dir: Path
    fonts_dir: Path = DEFAULT_FONTS_DIR
    signing_key: str = ""
    signing_cert: str = ""
    signing_passphrase: SecretStr | None = None
    trust_roots: str = ""
    tsa_url: str = ""
    signing_workers: int = 0
    operator_name: str = "Telecom Exemplu S.A."
    operator_address: str = "bd. Ștefan cel Mare 1, Chișinău MD-2001"
    operator_fiscal_code: str = "1003600123456"
    operator_bank_account: str = "MD24AG000225100013104168"


def _statement(index: int) -> Statement:
    lines = tuple(StatementLine(f"+37369{index:04d}{n % 2}", ("voice", "sms", "data", "fee")[n % 4],
                                f"Service {n}", Decimal(n + 1), "min", Decimal("10.00"), Decimal("2.00"),
                                Decimal("12.00")) for n in range(8))
    paid = Decimal("30.00")
    charges = sum((line.gross for line in lines), Decimal(0))
    closing = Decimal("15.50") + charges - paid
    payment = StatementPayment(datetime(2025, 1, 12, tzinfo=UTC), "card", f"P{index}", paid)
    return Statement(f"inv-{index}", f"TRF-2025-{index:06d}", f"7f3a1c2e-1111-4a6b-9c3d-{index:012d}",
                     "Ion Vasilescu", "str. Mărțișor 3\nChișinău", ("ro", "ru", "en")[index % 3], "MDL",
                     date(2025, 1, 1), date(2025, 1, 31), datetime(2025, 2, 1, tzinfo=UTC), date(2025, 2, 16),
                     Decimal("15.50"), lines, (payment,), charges, Decimal("16.00"), paid, closing, closing)


def _load(dev: Path) -> tuple[signers.Signer, DummyTimeStamper]:
    signer = signers.SimpleSigner.load(str(dev / "signer-key.pem"), str(dev / "signer.pem"),
                                       ca_chain_files=(str(dev / "ca.pem"),))
    tsa_cert = x509.Certificate.load(pem.unarmor((dev / "tsa.pem").read_bytes())[2])
    tsa_key = keys.PrivateKeyInfo.load(pem.unarmor((dev / "tsa-key.pem").read_bytes())[2])
    assert signer is not None
    return signer, DummyTimeStamper(tsa_cert, tsa_key)


def _naive_sign(pdf: bytes, dev: Path, loaded: tuple[signers.Signer, DummyTimeStamper] | None) -> bytes:
    """Sign with pyHanko's defaults (size estimated by a dry run); load the key unless given."""
    signer, timestamper = loaded or _load(dev)
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    pdf_signer = signers.PdfSigner(signature_metadata(), signer, timestamper=timestamper)
    return bytes(pdf_signer.sign_pdf(writer).getbuffer())


def _baseline(statements: list[Statement], settings: _Settings, *, key_loaded: bool) -> float:
    operator, dev = operator_of(settings), settings.documents_dir / "dev-signing"
    register_fonts(settings.fonts_dir)
    loaded = _load(dev) if key_loaded else None
    started = time.perf_counter()
    for statement in statements:
        _naive_sign(render_statement(statement, operator), dev, loaded)
    return len(statements) / (time.perf_counter() - started)


class _Run(NamedTuple):
    rate: float  # documents per second of wall time
    warm: float  # seconds to start and calibrate the workers
    parent_ms: float  # CPU milliseconds per document in the calling process
    workers_ms: float  # CPU milliseconds per document in the worker processes, together


def _workers_cpu(renderer: PdfRenderer) -> float:
    pool = renderer._pool  # the bench looks inside: the engine does not expose its processes
    return sum(cpu_seconds(pid) for pid in (pool._processes if pool else {}))  # type: ignore[attr-defined]


async def _engine(statements: list[Statement], settings: _Settings) -> _Run:
    renderer = build_renderer(settings)
    try:
        started = time.perf_counter()
        await renderer.render(statements[: 2 * (os.cpu_count() or 1)])  # start and calibrate the workers
        warm = time.perf_counter() - started
        started, parent, workers = time.perf_counter(), time.process_time(), _workers_cpu(renderer)
        await renderer.render(statements)
        wall, count = time.perf_counter() - started, len(statements)
        return _Run(count / wall, warm, (time.process_time() - parent) * 1000 / count,
                    (_workers_cpu(renderer) - workers) * 1000 / count)
    finally:
        await renderer.close()


def main(count: int = DEFAULT_COUNT) -> None:
    statements = [_statement(index) for index in range(count)]
    with tempfile.TemporaryDirectory() as folder:
        settings = _Settings(documents_dir=Path(folder))
        run = asyncio.run(_engine(statements, settings))  # also makes the dev credentials
        baseline = _baseline(statements[:BASELINE_COUNT], settings, key_loaded=False)
        kept = _baseline(statements[:BASELINE_COUNT], settings, key_loaded=True)
    print(f"e-bills: {os.cpu_count()} CPUs, development CA and in-process development TSA")
    print(f"  baseline, {min(count, BASELINE_COUNT)} statements (one process, key reloaded, pyHanko size "
          f"estimate): {baseline:8.1f} signed e-bills/s")
    print(f"  the same with the key loaded once (one process, pyHanko size estimate):"
          f"              {kept:8.1f} signed e-bills/s")
    print(f"  document engine, {count} statements (process pool, key kept, size reserved):"
          f"           {run.rate:8.1f} signed e-bills/s")
    print(f"  ratio: {run.rate / baseline:.1f}x the baseline, {run.rate / kept:.1f}x with the key kept"
          f"   (worker start-up before timing: {run.warm:.2f} s)")
    cpu = run.parent_ms + run.workers_ms
    cores = os.cpu_count() or 1
    print(f"  CPU per document: {run.workers_ms:.1f} ms in the workers + {run.parent_ms:.1f} ms in the caller"
          f" = {cpu:.1f} ms, so {cores * 1000 / cpu:.0f} e-bills/s on {cores} idle cores")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_COUNT)
