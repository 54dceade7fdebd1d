"""SQL repositories of the accounts service."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from tarifa import correlation
from tarifa.audit import SYSTEM, Actor, AuditRecord
from tarifa.audit.sql import insert as insert_audit

from accounts.adapters.audit_rows import insert_rows
from accounts.adapters.tables import balances, customers, lines, plans
from accounts.domain.account import Balance, PaymentMode
from accounts.domain.audit import AuditEntry
from accounts.domain.customer import Customer, CustomerKind, Language
from accounts.domain.errors import MsisdnTaken
from accounts.domain.line import Line, LineStatus, Plan

__all__ = ["SqlAuditLog", "SqlBalances", "SqlCustomers", "SqlLines", "SqlPlans"]


class _Repository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session


class SqlCustomers(_Repository):
    async def add(self, customer: Customer) -> None:
        await self._session.execute(customers.insert().values(asdict(customer)))

    async def get(self, customer_id: str, *, lock: bool = False) -> Customer | None:
        statement = select(customers).where(customers.c.id == customer_id)
        if lock:
            statement = statement.with_for_update()
        row = (await self._session.execute(statement)).mappings().first()
        if row is None:
            return None
        return Customer(**{**row, "kind": CustomerKind(row["kind"]),
                           "language": Language(row["language"])})

    async def save(self, customer: Customer) -> None:
        await self._session.execute(customers.update().where(
            customers.c.id == customer.id).values(asdict(customer)))


def _line(row: Any) -> Line:
    return Line(**{**row, "status": LineStatus(row["status"])})


class SqlLines(_Repository):
    async def add(self, line: Line) -> None:
        try:
            await self._session.execute(lines.insert().values(asdict(line)))
        except IntegrityError as exc:
            if "lines_active_msisdn" not in str(exc.orig):
                raise
            raise MsisdnTaken(f"{line.msisdn} is already an active line") from exc

    async def active(self, msisdn: str) -> Line | None:
        row = (await self._session.execute(select(lines).where(
            lines.c.msisdn == msisdn, lines.c.status == LineStatus.ACTIVE))).mappings().first()
        return _line(row) if row else None

    async def of_account(self, account_id: str) -> list[Line]:
        rows = (await self._session.execute(select(lines).where(
            lines.c.account_id == account_id).order_by(lines.c.connected_at, lines.c.msisdn)))
        return [_line(row) for row in rows.mappings()]

    async def lock(self, line_id: str) -> Line | None:
        row = (await self._session.execute(
            select(lines).where(lines.c.id == line_id).with_for_update())).mappings().first()
        return _line(row) if row else None

    async def save(self, line: Line) -> None:
        await self._session.execute(lines.update().where(lines.c.id == line.id).values(
            plan_code=line.plan_code, status=str(line.status), pending_plan=line.pending_plan,
            pending_at=line.pending_at, closed_at=line.closed_at,
            number_free_from=line.number_free_from))

    async def quarantined_until(self, msisdn: str, now: datetime) -> datetime | None:
        """The end of the quarantine of a closed line of this number still running at ``now``."""
        until: datetime | None = await self._session.scalar(
            select(func.max(lines.c.number_free_from)).where(
                lines.c.msisdn == msisdn, lines.c.number_free_from > now))
        return until

    async def with_pending_change(self, now: datetime) -> list[str]:
        rows = await self._session.execute(select(lines.c.id).where(
            lines.c.pending_at <= now, lines.c.status == LineStatus.ACTIVE).order_by(lines.c.id))
        return list(rows.scalars())


class SqlPlans(_Repository):
    async def add(self, plan: Plan) -> None:
        await self._session.execute(insert(plans).values(asdict(plan)).on_conflict_do_nothing())

    async def latest(self, code: str) -> Plan | None:
        row = (await self._session.execute(select(plans).where(plans.c.code == code).order_by(
            plans.c.version.desc()).limit(1))).mappings().first()
        return Plan(**{**row, "payment_mode": PaymentMode(row["payment_mode"])}) if row else None


class SqlBalances(_Repository):
    async def get(self, account_id: str) -> Balance | None:
        row = (await self._session.execute(
            select(balances).where(balances.c.account_id == account_id))).mappings().first()
        return Balance(**row) if row else None

    async def get_many(self, account_ids: Sequence[str]) -> dict[str, Balance]:
        rows = await self._session.execute(
            select(balances).where(balances.c.account_id.in_(list(account_ids))))
        return {row["account_id"]: Balance(**row) for row in rows.mappings()}

    async def save(self, balance: Balance) -> None:
        statement = insert(balances).values(asdict(balance))
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[balances.c.account_id],
            set_={"amount": statement.excluded.amount, "currency": statement.excluded.currency,
                  "as_of": statement.excluded.as_of},
            where=balances.c.as_of < statement.excluded.as_of))


def _actor(actor: str) -> Actor:
    """``role:subject``; consumers (``event:<source>``) and jobs (``system:<job>``) are the
    system role under their whole name."""
    role, _, subject = actor.partition(":")
    if not subject or role in ("event", SYSTEM):
        return Actor.system(actor)
    return Actor(subject, role)


class SqlAuditLog(_Repository):
    """The accounts entries in the suite's ``audit`` table: their data as ``after``, and their
    ``before`` where a change has one."""

    async def record(self, entry: AuditEntry) -> None:
        data, before = (_plain(value) for value in (entry.data, entry.before))
        await insert_audit(self._session, AuditRecord(
            entry.at, _actor(entry.actor), entry.action, entry.entity, entry.entity_id, before,
            data, correlation.current()))

    async def record_many(self, entries: Sequence[AuditEntry]) -> None:
        """Many entries in one statement, each at its own instant."""
        await insert_rows(self._session, [_audit_row(entry) for entry in entries],
                          correlation.current())


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _audit_row(entry: AuditEntry) -> dict[str, Any]:
    actor = _actor(entry.actor)
    return {"at": entry.at, "actor": actor.subject, "actor_role": actor.role,
            "action": entry.action, "target_type": entry.entity, "target_id": entry.entity_id,
            "before": entry.before, "after": entry.data}
