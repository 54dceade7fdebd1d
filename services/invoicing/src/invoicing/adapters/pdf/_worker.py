"""What a rendering worker process holds: fonts registered, key and TSA client loaded, once.

``start_worker`` is the initializer of each process of the pool; ``render_and_sign_each`` is the job
(a chunk of statements), ``render_and_sign`` what it does for each.
The same functions serve in the calling process when no pool is used. A worker whose service
process dies (killed, with no chance to stop its pool) exits by itself: it holds the operator's
key and would otherwise outlive the service for good.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from invoicing.domain.statement import Operator, Statement

from ._document import render_print_batch, render_statement
from ._drawing import register_fonts
from ._signing import DocumentSigner
from .credentials import SigningConfig, load_signer, load_timestamper

__all__ = ["WorkerSetup", "render_and_sign", "render_and_sign_each", "render_batch", "start_worker"]


@dataclass(frozen=True, slots=True)
class WorkerSetup:
    operator: Operator
    fonts_dir: Path
    signing: SigningConfig


@dataclass(slots=True)
class _State:
    operator: Operator
    signer: DocumentSigner


_state: _State | None = None


def start_worker(setup: WorkerSetup) -> None:
    global _state
    if (parent := multiprocessing.parent_process()) is not None and parent.pid is not None:
        _leave_with_parent(parent.pid)  # the pid that made the worker: it may be dead already
    register_fonts(setup.fonts_dir)
    signer = DocumentSigner(load_signer(setup.signing), load_timestamper(setup.signing))
    _state = _State(setup.operator, signer)


def _leave_with_parent(parent: int, every: float = 0.5) -> None:
    """Exit this process once ``parent`` is no longer its parent (it died; init adopted us)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(0)

    threading.Thread(target=watch, name="leave-with-parent", daemon=True).start()


def render_and_sign(statement: Statement) -> bytes:
    """The signed e-bill of ``statement``: rendered once, signed and timestamped once."""
    state = _started()
    return state.signer.sign(render_statement(statement, state.operator))


def render_and_sign_each(statements: tuple[Statement, ...]) -> list[bytes]:
    """The signed e-bills of a chunk of ``statements``, in order: one job, one round trip."""
    return [render_and_sign(statement) for statement in statements]


def render_batch(statements: tuple[Statement, ...], title: str) -> bytes:
    """The print batch of paper ``statements`` (unsigned: paper carries no electronic signature)."""
    return render_print_batch(statements, _started().operator, title)


def _started() -> _State:
    if _state is None:
        raise RuntimeError("start_worker was not called in this process")
    return _state
