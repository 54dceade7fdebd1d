"""The port of invoices whose document cannot be made (``invoicing.service.documents``)."""

from __future__ import annotations

from typing import Protocol

__all__ = ["DocumentFailures"]


class DocumentFailures(Protocol):
    async def set_aside(self, invoice_id: str, reason: str) -> str | None:
        """Keep a pending invoice out of the documents to make, with ``reason``; the run that
        issued it (None when no run did)."""

    async def of_run(self, run_id: str) -> list[str]:
        """The accounts whose invoice of the run was set aside, in id order."""
