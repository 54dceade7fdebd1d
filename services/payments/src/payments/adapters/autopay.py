"""SQL repository of autopay charges and of each account's balance against its threshold."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from sqlalchemy import RowMapping, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from payments.adapters.tables import autopay_balances, autopay_charges
from payments.domain.autopay_charge import AutopayCharge, ChargeStatus

__all__ = ["SqlAutopayCharges"]

_OPEN = (ChargeStatus.SCHEDULED, ChargeStatus.UNKNOWN)


class SqlAutopayCharges:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, charge: AutopayCharge) -> bool:
        statement = insert(autopay_charges).values(asdict(charge)).on_conflict_do_nothing()
        result = await self._session.execute(statement.returning(autopay_charges.c.id))
        return result.first() is not None

    async def get(self, charge_id: str, *, for_update: bool = False) -> AutopayCharge | None:
        return await self._one(autopay_charges.c.id == charge_id, for_update)

    async def for_invoice(self, invoice_id: str) -> AutopayCharge | None:
        return await self._one(autopay_charges.c.invoice_id == invoice_id, True)

    async def save(self, charge: AutopayCharge) -> None:
        await self._session.execute(autopay_charges.update().where(
            autopay_charges.c.id == charge.id).values(asdict(charge)))

    async def scheduled_for(self, account_id: str) -> list[AutopayCharge]:
        query = select(autopay_charges).where(
            autopay_charges.c.account_id == account_id,
            autopay_charges.c.status == ChargeStatus.SCHEDULED,
        ).order_by(autopay_charges.c.created_at).with_for_update()
        rows = (await self._session.execute(query)).mappings().all()
        return [_charge(row) for row in rows]

    async def due(self, now: datetime, limit: int = 500) -> list[str]:
        query = select(autopay_charges.c.id).where(
            autopay_charges.c.status.in_(_OPEN), autopay_charges.c.next_attempt_at <= now,
        ).order_by(autopay_charges.c.next_attempt_at).limit(limit)
        return list((await self._session.scalars(query)).all())

    async def was_below(self, account_id: str, at: datetime) -> bool | None:
        """Whether the balance was below the threshold; None when unknown or newer than ``at``."""
        row = (await self._session.execute(select(autopay_balances).where(
            autopay_balances.c.account_id == account_id).with_for_update())).first()
        if row is None:
            return False
        return None if row.at > at else bool(row.below)

    async def record_balance(self, account_id: str, below: bool, at: datetime) -> None:
        statement = insert(autopay_balances).values(account_id=account_id, below=below, at=at)
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[autopay_balances.c.account_id], set_={"below": below, "at": at},
            where=autopay_balances.c.at <= at))

    async def _one(self, condition: object, for_update: bool) -> AutopayCharge | None:
        query = select(autopay_charges).where(condition)  # type: ignore[arg-type]
        row = (await self._session.execute(
            query.with_for_update() if for_update else query)).mappings().first()
        return None if row is None else _charge(row)


def _charge(row: RowMapping) -> AutopayCharge:
    return AutopayCharge(**{**dict(row), "status": ChargeStatus(row["status"])})
