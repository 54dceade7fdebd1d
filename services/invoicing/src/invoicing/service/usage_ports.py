"""The port of posting many accounts at once: a whole ingest batch's
(``invoicing.service.usage_posting``) or a batch of payments' (``invoicing.service.payments``)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Protocol

from tarifa.money import Carry

from invoicing.domain.account import BillingAccount
from invoicing.domain.ledger import LedgerEntry
from invoicing.domain.posting import CarryKey

__all__ = ["UsagePostings"]


class UsagePostings(Protocol):
    """A whole batch's accounts at once, one statement each whatever their number."""

    async def lock(self, account_ids: Sequence[str]) -> None: ...
    async def currencies(self, account_ids: Sequence[str]) -> dict[str, str | None]: ...
    async def invoiced_through(self, account_ids: Sequence[str]) -> dict[str, date]: ...
    async def carries(self, keys: Collection[tuple[str, CarryKey]]
                      ) -> dict[tuple[str, CarryKey], Carry]: ...
    async def save_carries(self, changed: Mapping[tuple[str, CarryKey], Carry]) -> None: ...
    async def add_entries(self, entries: Sequence[LedgerEntry]) -> None: ...
    async def balances(self, account_ids: Sequence[str]) -> dict[str, Decimal]: ...
    async def accounts(self, account_ids: Sequence[str]) -> dict[str, BillingAccount]:
        """The replica of each account known, as ``AccountsReplica.get`` reads it."""

    async def with_open_invoices(self, account_ids: Sequence[str]) -> set[str]:
        """The accounts with an invoice not paid yet (one to allocate a payment to)."""
