"""SQL of posting a whole ingest batch: every account of it read, locked and written in one
statement each, whatever the number of accounts."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import ARRAY, Date, Numeric, Text, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession
from tarifa.money import Carry

from invoicing.adapters.tables import ledger
from invoicing.domain.ledger import LedgerEntry
from invoicing.domain.posting import CarryKey

__all__ = ["SqlUsagePostings"]

AccountKey = tuple[str, CarryKey]

_IDS = bindparam("ids", type_=ARRAY(Text))
_LOCK = text("SELECT count(pg_advisory_xact_lock(hashtext('account:' || id))) "
             "FROM unnest(:ids) WITH ORDINALITY AS a(id, n)").bindparams(_IDS)
"""The same advisory lock as ``SqlLedger.lock``, taken in the order given."""
_CURRENCIES = text(
    "SELECT a.id, coalesce(r.currency, (SELECT l.currency FROM ledger l "
    "WHERE l.account_id = a.id LIMIT 1)) AS currency "
    "FROM unnest(:ids) AS a(id) LEFT JOIN accounts r ON r.account_id = a.id").bindparams(_IDS)
_INVOICED = text("SELECT account_id, max(period_end) AS last FROM invoices "
                 "WHERE account_id = ANY(:ids) GROUP BY account_id").bindparams(_IDS)
_BALANCES = text("SELECT account_id, sum(amount) AS balance FROM ledger "
                 "WHERE account_id = ANY(:ids) GROUP BY account_id").bindparams(_IDS)
_KEYS = (bindparam("accounts", type_=ARRAY(Text)), bindparam("periods", type_=ARRAY(Date)),
         bindparam("keys", type_=ARRAY(Text)))
_CARRIES = text(
    "SELECT c.account_id, c.period, c.key, c.base, c.posted FROM carries c "
    "JOIN unnest(:accounts, :periods, :keys) AS k(account_id, period, key) "
    "ON (c.account_id, c.period, c.key) = (k.account_id, k.period, k.key)").bindparams(*_KEYS)
_SAVE = text(
    "INSERT INTO carries (account_id, period, key, base, posted) "
    "SELECT * FROM unnest(:accounts, :periods, :keys, :bases, :posted) "
    "ON CONFLICT (account_id, period, key) DO UPDATE "
    "SET base = excluded.base, posted = excluded.posted").bindparams(
        *_KEYS, bindparam("bases", type_=ARRAY(Numeric)), bindparam("posted", type_=ARRAY(Numeric)))


_LEDGER_COLUMNS = [c.name for c in ledger.c]


def _entry_row(entry: LedgerEntry) -> tuple[object, ...]:
    return tuple(entry.kind.value if name == "kind" else getattr(entry, name)
                 for name in _LEDGER_COLUMNS)


def _columns(keys: Sequence[AccountKey]) -> dict[str, list[object]]:
    return {"accounts": [a for a, _ in keys], "periods": [p for _, (p, _k) in keys],
            "keys": [k for _, (_p, k) in keys]}


class SqlUsagePostings:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock(self, account_ids: Sequence[str]) -> None:
        await self._session.execute(_LOCK, {"ids": list(account_ids)})

    async def currencies(self, account_ids: Sequence[str]) -> dict[str, str | None]:
        rows = await self._session.execute(_CURRENCIES, {"ids": list(account_ids)})
        return {row.id: row.currency for row in rows}

    async def invoiced_through(self, account_ids: Sequence[str]) -> dict[str, date]:
        rows = await self._session.execute(_INVOICED, {"ids": list(account_ids)})
        return {row.account_id: row.last for row in rows}

    async def carries(self, keys: Collection[AccountKey]) -> dict[AccountKey, Carry]:
        if not keys:
            return {}
        rows = await self._session.execute(_CARRIES, _columns(list(keys)))
        return {(r.account_id, (r.period, r.key)): Carry(r.base, r.posted) for r in rows}

    async def save_carries(self, changed: Mapping[AccountKey, Carry]) -> None:
        if not changed:
            return
        values = _columns(list(changed)) | {
            "bases": [c.base for c in changed.values()],
            "posted": [c.posted for c in changed.values()]}
        await self._session.execute(_SAVE, values)

    async def add_entries(self, entries: Sequence[LedgerEntry]) -> None:
        """One binary ``COPY`` of the entries."""
        driver = (await (await self._session.connection()).get_raw_connection()).driver_connection
        assert driver is not None, "the session's connection is open"
        await driver.copy_records_to_table(ledger.name, records=[_entry_row(e) for e in entries],
                                           columns=_LEDGER_COLUMNS)

    async def balances(self, account_ids: Sequence[str]) -> dict[str, Decimal]:
        rows = await self._session.execute(_BALANCES, {"ids": list(account_ids)})
        return {row.account_id: Decimal(row.balance) for row in rows}
