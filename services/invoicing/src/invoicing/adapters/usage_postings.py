"""SQL of posting a whole ingest batch, or a batch of payments: every account of it read, locked
and written in one statement each, whatever the number of accounts.

The statements go straight to the session's asyncpg connection (in its transaction), their
arrays bound as they are: a batch of a thousand accounts is a handful of round trips with no
per-row work but building the rows. A balance is the account's row of ``balances``, which a
trigger on ``ledger`` keeps (migration 0012).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from tarifa.money import Carry

from invoicing.adapters.tables import ledger
from invoicing.domain.account import BillingAccount
from invoicing.domain.invoice import OPEN
from invoicing.domain.ledger import LedgerEntry
from invoicing.domain.posting import CarryKey

__all__ = ["SqlUsagePostings"]

AccountKey = tuple[str, CarryKey]

_LOCK = ("SELECT count(pg_advisory_xact_lock(hashtext('account:' || id))) "
         "FROM unnest($1::text[]) WITH ORDINALITY AS a(id, n)")
"""The same advisory lock as ``SqlLedger.lock``, taken in the order given."""
_CURRENCIES = (
    "SELECT a.id, coalesce(r.currency, (SELECT l.currency FROM ledger l "
    "WHERE l.account_id = a.id LIMIT 1)) AS currency "
    "FROM unnest($1::text[]) AS a(id) LEFT JOIN accounts r ON r.account_id = a.id")
_INVOICED = ("SELECT account_id, max(period_end) AS last FROM invoices "
             "WHERE account_id = ANY($1::text[]) GROUP BY account_id")
_ACCOUNTS = (
    "SELECT r.*, (SELECT min(l.connected_on) FROM lines l WHERE l.account_id = r.account_id) "
    "AS first_connected_on FROM accounts r WHERE r.account_id = ANY($1::text[])")
"""What ``SqlAccountsReplica.get`` reads of one account, for many."""
_WITH_OPEN = ("SELECT DISTINCT account_id FROM invoices "
              "WHERE account_id = ANY($1::text[]) AND status = ANY($2::text[])")
_OPEN = [status.value for status in OPEN]
_BALANCES = "SELECT account_id, balance FROM balances WHERE account_id = ANY($1::text[])"
_CARRIES = (
    "SELECT c.account_id, c.period, c.key, c.base, c.posted FROM carries c "
    "JOIN unnest($1::text[], $2::date[], $3::text[]) AS k(account_id, period, key) "
    "ON (c.account_id, c.period, c.key) = (k.account_id, k.period, k.key)")
_SAVE = (
    "INSERT INTO carries (account_id, period, key, base, posted) "
    "SELECT * FROM unnest($1::text[], $2::date[], $3::text[], $4::numeric[], $5::numeric[]) "
    "ON CONFLICT (account_id, period, key) DO UPDATE "
    "SET base = excluded.base, posted = excluded.posted")

_LEDGER_COLUMNS = [c.name for c in ledger.c]


def _entry_row(entry: LedgerEntry) -> tuple[object, ...]:
    return tuple(entry.kind.value if name == "kind" else getattr(entry, name)
                 for name in _LEDGER_COLUMNS)


def _columns(keys: Collection[AccountKey]) -> tuple[list[str], list[date], list[str]]:
    return [a for a, _ in keys], [p for _, (p, _k) in keys], [k for _, (_p, k) in keys]


class SqlUsagePostings:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _driver(self) -> Any:
        """The asyncpg connection under the session, in the session's transaction."""
        raw = await (await self._session.connection()).get_raw_connection()
        assert raw.driver_connection is not None, "the session's connection is open"
        return raw.driver_connection

    async def lock(self, account_ids: Sequence[str]) -> None:
        await (await self._driver()).fetchval(_LOCK, list(account_ids))

    async def currencies(self, account_ids: Sequence[str]) -> dict[str, str | None]:
        rows = await (await self._driver()).fetch(_CURRENCIES, list(account_ids))
        return {row[0]: row[1] for row in rows}

    async def invoiced_through(self, account_ids: Sequence[str]) -> dict[str, date]:
        rows = await (await self._driver()).fetch(_INVOICED, list(account_ids))
        return {row[0]: row[1] for row in rows}

    async def carries(self, keys: Collection[AccountKey]) -> dict[AccountKey, Carry]:
        if not keys:
            return {}
        rows = await (await self._driver()).fetch(_CARRIES, *_columns(keys))
        return {(r[0], (r[1], r[2])): Carry(r[3], r[4]) for r in rows}

    async def save_carries(self, changed: Mapping[AccountKey, Carry]) -> None:
        if not changed:
            return
        carries = changed.values()
        await (await self._driver()).execute(_SAVE, *_columns(changed.keys()),
                                             [c.base for c in carries],
                                             [c.posted for c in carries])

    async def add_entries(self, entries: Sequence[LedgerEntry]) -> None:
        """One binary ``COPY`` of the entries."""
        await (await self._driver()).copy_records_to_table(
            ledger.name, records=[_entry_row(e) for e in entries], columns=_LEDGER_COLUMNS)

    async def balances(self, account_ids: Sequence[str]) -> dict[str, Decimal]:
        rows = await (await self._driver()).fetch(_BALANCES, list(account_ids))
        return {row[0]: row[1] for row in rows}

    async def accounts(self, account_ids: Sequence[str]) -> dict[str, BillingAccount]:
        rows = await (await self._driver()).fetch(_ACCOUNTS, list(account_ids))
        return {row["account_id"]: BillingAccount(**dict(row)) for row in rows}

    async def with_open_invoices(self, account_ids: Sequence[str]) -> set[str]:
        rows = await (await self._driver()).fetch(_WITH_OPEN, list(account_ids), _OPEN)
        return {row[0] for row in rows}
