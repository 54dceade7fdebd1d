"""``PdfRenderer``: the invoicing service's document renderer (its ``DocumentRenderer`` port).

Documents are rendered and signed in a pool of worker processes, one per CPU by default, each
holding the operator's key and the TSA client from its start. Callers hand over a billing run in
batches of reasonable size (a few hundred statements): the signed documents come back in memory.
A batch goes to the workers in chunks of up to 16 statements, a few per worker, so each
document does not pay its own job, pickling and round trip between the processes.
"""

from __future__ import annotations

import asyncio
import math
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from invoicing.adapters.metrics import DOCUMENTS_SIGNED
from invoicing.domain.statement import Statement

from ._drawing import register_fonts
from ._worker import WorkerSetup, render_and_sign_each, render_batch, start_worker
from .config import DocumentSettings, operator_of
from .credentials import signing_config

__all__ = ["PdfRenderer", "build_renderer"]

_CHUNK = 16  # statements per job at most
_CHUNKS_PER_WORKER = 4  # at least, when the batch is large enough: the workers finish together


class PdfRenderer:
    """Renders statements into signed, timestamped PDF documents."""

    def __init__(self, setup: WorkerSetup, workers: int) -> None:
        self._setup = setup
        self._workers = workers
        self._pool: ProcessPoolExecutor | None = None

    async def render(self, statements: Sequence[Statement]) -> list[bytes]:
        """One signed document per statement, in the order given."""
        loop = asyncio.get_running_loop()
        pool = self._ensure_pool()
        jobs = [loop.run_in_executor(pool, render_and_sign_each, chunk)
                for chunk in _chunks(statements, self._workers)]
        signed = [pdf for chunk in await asyncio.gather(*jobs) for pdf in chunk]
        for statement in statements:  # counted here: the workers' counters die with them
            DOCUMENTS_SIGNED.labels(statement.kind).inc()
        return signed

    async def render_print_batch(self, statements: Sequence[Statement], title: str = "") -> bytes:
        """One unsigned PDF with every paper statement of a billing run (SPEC I8)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._ensure_pool(), render_batch, tuple(statements),
                                          title or "Print batch")

    async def close(self) -> None:
        """Stop the worker processes."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)

    def _ensure_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn: a forked copy of a running event loop and its threads is not safe to use.
            self._pool = ProcessPoolExecutor(self._workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=start_worker, initargs=(self._setup,))
        return self._pool


def _chunks(statements: Sequence[Statement], workers: int) -> list[tuple[Statement, ...]]:
    """``statements`` cut in order into chunks: at most ``_CHUNK``, a few per worker."""
    size = max(1, min(_CHUNK, math.ceil(len(statements) / (workers * _CHUNKS_PER_WORKER))))
    return [tuple(statements[start:start + size]) for start in range(0, len(statements), size)]


def build_renderer(settings: DocumentSettings) -> PdfRenderer:
    """The renderer of the service; makes the development credentials if none are configured."""
    register_fonts(settings.fonts_dir)
    setup = WorkerSetup(operator_of(settings), settings.fonts_dir, signing_config(settings))
    return PdfRenderer(setup, settings.signing_workers or os.cpu_count() or 1)
