"""Executing billing runs in the background of the service process.

A run started over HTTP executes in an asyncio task; at start-up the runs left unfinished (a
crash, a restart) execute again and the invoices waiting for their document are finished.
Both phases are idempotent per account and period, so executing a run twice issues nothing new.
A run ends with its print batch of paper statements. The same worker makes the documents of
credit notes and detailed bills, which are requested over HTTP and made in the background.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from tarifa.audit import Actor
from tarifa.logging import get_logger

from invoicing.domain.run import BillingRun, RunStatus
from invoicing.service.billing import BillingPolicy, bill_account
from invoicing.service.credit_notes import issue_credit_note_documents
from invoicing.service.detailed_bills import DetailedBillPolicy, make_detailed_bills
from invoicing.service.documents import issue_documents
from invoicing.service.ports import DocumentRenderer, ProgressBoard, RatedUsage, UnitOfWork
from invoicing.service.print_batches import make_print_batch
from invoicing.service.progress import show, watch
from invoicing.service.statements import issue_statements

__all__ = ["BillingRunner"]

log = get_logger(__name__)
RUNNER = Actor.system("invoicing.billing-run")
"""Who executes a run an operator started (the invoices and the run's end are audited so)."""


def _named(what: str, accounts: list[str], named: int = 20) -> str:
    more = f" and {len(accounts) - named} more" if len(accounts) > named else ""
    return f"{what}: {', '.join(accounts[:named])}{more}"


def _unfinished(failed: list[str], undocumented: list[str]) -> str:
    """Which accounts the run could not bill, or billed without their document."""
    parts = ([_named("accounts not billed", failed)] if failed else []) + (
        [_named("documents not made", undocumented)] if undocumented else [])
    return f"{'; '.join(parts)} (see the run's failures)"


def _reason(exc: Exception) -> str:
    """Why an account was not billed, as the run reports it (the first line, at most 500 chars)."""
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:500]


class BillingRunner:
    def __init__(self, new_uow: Callable[[], UnitOfWork], renderer: DocumentRenderer,
                 policy: BillingPolicy, batch: int = 100,
                 detailed: DetailedBillPolicy | None = None, *, chunk: int = 1000,
                 lanes: int = 2, board: ProgressBoard | None = None,
                 rated: RatedUsage | None = None) -> None:
        self._new_uow, self._renderer = new_uow, renderer
        self._policy, self._batch, self._chunk, self._lanes = policy, batch, chunk, lanes
        self._detailed = detailed or DetailedBillPolicy()
        self._board, self._rated = board, rated
        self._tasks: set[asyncio.Task[None]] = set()
        self._documents = asyncio.Lock()

    def launch(self, run_id: str) -> None:
        """Execute the run in the background."""
        self._spawn(self._execute(run_id))

    async def resume(self) -> None:
        """Execute the unfinished runs again, and render what waits for its document."""
        async with self._new_uow() as uow:
            unfinished = await uow.runs.unfinished()
        for run in unfinished:
            self.launch(run.id)
        self.documents_soon()

    def documents_soon(self) -> None:
        """Make the documents that wait (a credit note's, a detailed bill's) in the background."""
        self._spawn(self._documents_logged())

    async def _documents_logged(self) -> None:
        try:
            await self.finish_documents()
        except Exception as exc:  # the documents stay pending: the next attempt makes them
            log.error("documents_failed", error=repr(exc), exc_info=True)

    async def finish_documents(self) -> int:
        """Make every document that waits: invoices first, then credit notes, detailed bills."""
        async with self._documents:
            made = await issue_documents(self._new_uow, self._renderer, self._batch)
            made += await issue_credit_note_documents(self._new_uow, self._renderer, self._batch)
            return made + await make_detailed_bills(self._new_uow, self._renderer, self._detailed,
                                                    self._batch, self._rated)

    async def close(self) -> None:
        """Stop the tasks; their runs stay unfinished and resume at the next start."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _execute(self, run_id: str) -> None:
        watching = (asyncio.create_task(watch(self._new_uow, self._board, run_id))
                    if self._board is not None else None)
        try:
            await self._stages(run_id)
        finally:
            if watching is not None:
                watching.cancel()
                await asyncio.gather(watching, return_exceptions=True)
        if self._board is not None:
            await show(self._new_uow, self._board, run_id)

    async def _stages(self, run_id: str) -> None:
        try:
            run, failed = await self._bill(run_id)
            await self.finish_documents()
            if run is not None:
                await make_print_batch(self._new_uow, self._renderer, run)
            undocumented = await self._undocumented(run_id)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.error("billing_run_failed", run_id=run_id, error=repr(exc), exc_info=True)
            await self._finish(run_id, RunStatus.FAILED, repr(exc))
            return
        if failed or undocumented:
            # The other accounts are billed; starting the run again bills these (idempotently).
            await self._finish(run_id, RunStatus.FAILED, _unfinished(failed, undocumented))
            return
        await self._finish(run_id, RunStatus.COMPLETED)
        log.info("billing_run_completed", run_id=run_id)

    async def _bill(self, run_id: str) -> tuple[BillingRun | None, list[str]]:
        """Issue the run's statements a chunk of accounts per transaction, ``lanes`` chunks at
        once (one reads and computes while another writes); an account that fails is reported
        with its reason and the others go on. Returns the run and those that failed."""
        found = await self._accounts_of(run_id)
        if found is None:
            return None, []
        run, account_ids = found
        failed: dict[str, str] = {}
        chunks = (account_ids[start:start + self._chunk]
                  for start in range(0, len(account_ids), self._chunk))

        async def lane() -> None:
            for chunk in chunks:  # the lanes share the chunks: each takes the next one free
                failed.update(await self._bill_chunk(run, chunk))

        await asyncio.gather(*(lane() for _ in range(self._lanes)))
        return run, sorted(failed)

    async def _bill_chunk(self, run: BillingRun, chunk: list[str]) -> dict[str, str]:
        try:
            outcome = await issue_statements(self._new_uow().acting(RUNNER), self._policy, run,
                                             chunk)
        except Exception as exc:  # a row the chunk cannot write: find it account by account
            log.warning("billing_chunk_failed", run_id=run.id, accounts=len(chunk),
                        error=repr(exc))
            return await self._one_by_one(run, chunk)
        return outcome.failed

    async def _one_by_one(self, run: BillingRun, chunk: list[str]) -> dict[str, str]:
        failed: dict[str, str] = {}
        for account_id in chunk:
            try:
                await bill_account(self._new_uow().acting(RUNNER), self._policy, run, account_id)
            except Exception as exc:  # this account alone: reported, the others go on
                log.error("billing_account_failed", run_id=run.id, account_id=account_id,
                          error=repr(exc), exc_info=True)
                failed[account_id] = _reason(exc)
        async with self._new_uow() as uow:
            await uow.statements.record_failures(run.id, failed, uow.clock.now())
            await uow.statements.clear_failures(run.id, [a for a in chunk if a not in failed])
            await uow.commit()
        return failed

    async def _accounts_of(self, run_id: str) -> tuple[BillingRun, list[str]] | None:
        async with self._new_uow() as uow:
            run = await uow.runs.get(run_id)
            if run is None:
                return None
            account_ids = (list(dict.fromkeys(run.account_ids)) if run.account_ids is not None
                           else await uow.accounts.billable(run.period_end))
            await uow.runs.set_accounts(run_id, len(account_ids))
            await uow.commit()
        return run, account_ids

    async def _undocumented(self, run_id: str) -> list[str]:
        async with self._new_uow() as uow:
            return await uow.document_failures.of_run(run_id)

    async def _finish(self, run_id: str, status: RunStatus, error: str | None = None) -> None:
        async with self._new_uow().acting(RUNNER) as uow:
            await uow.runs.finish(run_id, status, uow.clock.now(), error)
            await uow.trail.record(uow.actor, f"billing_run.{status}", "billing_run", run_id,
                                   before={"status": RunStatus.RUNNING},
                                   after={"status": status, "error": error})
            await uow.commit()
