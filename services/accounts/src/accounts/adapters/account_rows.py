"""SQL repositories of billing accounts and their bonus ledger."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import String, bindparam, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.adapters.tables import accounts, bonus_movements
from accounts.domain.account import (
    Account,
    AccountStatus,
    BillDelivery,
    DeliveryMedium,
    PaymentMode,
    PromisedPayment,
    Suspension,
)
from accounts.domain.bonus import BonusMovement
from accounts.domain.reminders import AHEAD, Ending

__all__ = ["SqlAccounts", "SqlBonusLedger"]

_PLAIN = ("id", "customer_id", "currency", "timezone", "opened_at", "bonus_points",
          "last_promise_at", "blocked_reason")


def _row(account: Account) -> dict[str, Any]:
    suspension, promise = account.suspension, account.promise
    return {name: getattr(account, name) for name in _PLAIN} | {
        "payment_mode": str(account.payment_mode), "status": str(account.status),
        "bill_delivery": asdict(account.bill_delivery) | {
            "medium": str(account.bill_delivery.medium)},
        "suspended_from": suspension.start if suspension else None,
        "suspended_until": suspension.end if suspension else None,
        "promise_granted_at": promise.granted_at if promise else None,
        "promised_until": promise.until if promise else None,
    }


def _account(row: Any) -> Account:
    delivery = row["bill_delivery"]
    suspension = (Suspension(row["suspended_from"], row["suspended_until"])
                  if row["suspended_until"] else None)
    promise = (PromisedPayment(row["promise_granted_at"], row["promised_until"])
               if row["promised_until"] else None)
    return Account(
        **{name: row[name] for name in _PLAIN},
        payment_mode=PaymentMode(row["payment_mode"]), status=AccountStatus(row["status"]),
        bill_delivery=BillDelivery(**{**delivery, "medium": DeliveryMedium(delivery["medium"])}),
        suspension=suspension, promise=promise,
    )


_SAVE_STATES = text(
    "UPDATE accounts AS a SET status = r.status, blocked_reason = r.blocked_reason,"
    " suspended_from = r.suspended_from, suspended_until = r.suspended_until,"
    " promise_granted_at = r.promise_granted_at, promised_until = r.promised_until"
    " FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r(id text, status text,"
    " blocked_reason text, suspended_from timestamptz, suspended_until timestamptz,"
    " promise_granted_at timestamptz, promised_until timestamptz)"
    " WHERE a.id = r.id"
).bindparams(bindparam("rows", type_=String))
"""The lifecycle columns of many accounts in one statement, over one JSON array parameter."""
def _state(account: Account) -> dict[str, Any]:
    suspension, promise = account.suspension, account.promise
    return {"id": account.id, "status": str(account.status),
            "blocked_reason": account.blocked_reason,
            "suspended_from": suspension.start if suspension else None,
            "suspended_until": suspension.end if suspension else None,
            "promise_granted_at": promise.granted_at if promise else None,
            "promised_until": promise.until if promise else None}


def _states_json(changed: Sequence[Account]) -> str:
    return orjson.dumps([_state(account) for account in changed]).decode()


class SqlAccounts:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, account: Account) -> None:
        await self._session.execute(accounts.insert().values(_row(account)))

    async def get(self, account_id: str, *, lock: bool = False) -> Account | None:
        statement = select(accounts).where(accounts.c.id == account_id)
        if lock:
            statement = statement.with_for_update()
        row = (await self._session.execute(statement)).mappings().first()
        return _account(row) if row else None

    async def save(self, account: Account) -> None:
        await self._session.execute(
            accounts.update().where(accounts.c.id == account.id).values(_row(account)))

    async def lock_many(self, account_ids: Sequence[str]) -> list[Account]:
        """The accounts, locked in id order (so two chunks never wait on each other in a cycle)."""
        rows = await self._session.execute(
            select(accounts).where(accounts.c.id.in_(list(account_ids)))
            .order_by(accounts.c.id).with_for_update())
        return [_account(row) for row in rows.mappings()]

    async def save_states(self, changed: Sequence[Account]) -> None:
        if changed:
            await self._session.execute(_SAVE_STATES, {"rows": _states_json(changed)})

    async def remind_promises(self, now: datetime, limit: int) -> list[Ending]:
        """One statement: mark up to ``limit`` promises ending within a day and not reminded
        of yet as reminded (skipping accounts another transaction holds)."""
        until = accounts.c.promised_until
        picked = self._picked(until, now, limit, accounts.c.promise_reminded_until)
        rows = await self._session.execute(
            update(accounts).where(accounts.c.id == picked.c.id)
            .values(promise_reminded_until=until)
            .returning(accounts.c.id, accounts.c.promise_granted_at, until, accounts.c.timezone))
        return [Ending(*row) for row in rows]

    async def remind_suspensions(self, now: datetime, limit: int) -> list[Ending]:
        """As ``remind_promises``, for suspensions ending within a day."""
        until = accounts.c.suspended_until
        picked = self._picked(until, now, limit, accounts.c.suspension_reminded_until,
                              accounts.c.status == str(AccountStatus.SUSPENDED))
        rows = await self._session.execute(
            update(accounts).where(accounts.c.id == picked.c.id)
            .values(suspension_reminded_until=until)
            .returning(accounts.c.id, accounts.c.suspended_from, until, accounts.c.timezone))
        return [Ending(*row) for row in rows]

    @staticmethod
    def _picked(until: Any, now: datetime, limit: int, reminded: Any, *also: Any) -> Any:
        return (select(accounts.c.id)
                .where(until > now, until <= now + AHEAD, reminded.is_distinct_from(until), *also)
                .order_by(accounts.c.id).limit(limit).with_for_update(skip_locked=True)
                .cte("picked"))

    async def of_customer(self, customer_id: str, *, lock: bool = False) -> list[Account]:
        statement = select(accounts).where(accounts.c.customer_id == customer_id).order_by(
            accounts.c.opened_at, accounts.c.id)
        if lock:
            statement = statement.with_for_update()
        return [_account(row) for row in (await self._session.execute(statement)).mappings()]

    async def due(self, now: datetime) -> list[str]:
        rows = await self._session.execute(select(accounts.c.id).where(or_(
            (accounts.c.status == str(AccountStatus.SUSPENDED)) & (accounts.c.suspended_until <= now),
            accounts.c.promised_until <= now)).order_by(accounts.c.id))
        return list(rows.scalars())


class SqlBonusLedger:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, movement: BonusMovement) -> None:
        await self._session.execute(bonus_movements.insert().values(asdict(movement)))

    async def has(self, account_id: str, reason: str) -> bool:
        found = await self._session.scalar(select(bonus_movements.c.id).where(
            bonus_movements.c.account_id == account_id,
            bonus_movements.c.reason == reason).limit(1))
        return found is not None

    async def of_account(self, account_id: str) -> list[BonusMovement]:
        rows = await self._session.execute(select(bonus_movements).where(
            bonus_movements.c.account_id == account_id).order_by(bonus_movements.c.id))
        return [BonusMovement(row["account_id"], row["at"], row["points"], row["reason"])
                for row in rows.mappings()]
