"""SQL repositories of the payments service: the accounts replica, payments, refunds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import CTE, Exists, Row, bindparam, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from tarifa.audit import AuditRecord, as_json
from tarifa.audit.tables import audit

from payments.adapters.tables import accounts, lines, offline_references, payments, refunds
from payments.domain.closure import CLOSED
from payments.domain.payment import AccountRef, BalanceAt, Payment, PaymentStatus, line_key
from payments.domain.refund import Refund

__all__ = ["SqlAccountsReplica", "SqlPayments", "SqlRefunds"]

Claim = Literal["stored", "taken", "untried"]
"""``payments.service.ports.Claim``, which adapters do not import."""


_ACCOUNT = select(accounts).where(accounts.c.account_id == bindparam("account_id"))
"""Statements built once: each execution finds its compiled form in the cache at once."""


_SET_BALANCES = text(
    "UPDATE accounts SET balance = b.balance, balance_at = b.at FROM unnest("
    "CAST(:ids AS text[]), CAST(:balances AS numeric[]), CAST(:ats AS timestamptz[])) "
    "AS b(account_id, balance, at) WHERE accounts.account_id = b.account_id "
    "AND (accounts.balance_at IS NULL OR accounts.balance_at <= b.at)")


class SqlAccountsReplica:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, account_id: str) -> AccountRef | None:
        row = (await self._session.execute(_ACCOUNT, {"account_id": account_id})).first()
        if row is None:
            return None
        balance = await self._balance(row) if row.status == CLOSED else row.balance
        return AccountRef(row.account_id, row.currency, row.status, row.payment_mode, balance)

    async def _balance(self, row: Row[Any]) -> Decimal | None:
        """The last announced balance of a closed account with the payments into it since, so
        that its debt is not paid twice before invoicing announces the next balance."""
        if row.balance is None:
            return None
        paid = await self._session.scalar(select(func.coalesce(func.sum(payments.c.amount), 0)).where(
            payments.c.account_id == row.account_id, payments.c.created_at > row.balance_at,
            payments.c.status == PaymentStatus.SUCCEEDED.value))
        return Decimal(row.balance) + Decimal(paid or 0)

    async def by_msisdn(self, msisdn: str) -> AccountRef | None:
        """The account of the line, however the number is written (lines kept before numbers
        were stored as digits may still carry a ``+``)."""
        digits = line_key(msisdn)
        account_id = await self._session.scalar(
            select(lines.c.account_id).where(lines.c.msisdn.in_([digits, f"+{digits}"])).limit(1))
        return await self.get(account_id) if account_id else None

    async def upsert(self, account: AccountRef) -> None:
        statement = insert(accounts).values(asdict(account))
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[accounts.c.account_id],
            set_={"currency": statement.excluded.currency, "status": statement.excluded.status,
                  "payment_mode": statement.excluded.payment_mode}))

    async def set_payment_mode(self, account_id: str, payment_mode: str) -> None:
        await self._session.execute(accounts.update().where(
            accounts.c.account_id == account_id).values(payment_mode=payment_mode))

    async def set_status(self, account_id: str, status: str) -> None:
        await self._session.execute(accounts.update().where(
            accounts.c.account_id == account_id).values(status=status))

    async def set_balances(self, balances: Sequence[BalanceAt]) -> None:
        """Keep each balance announced at its time unless a later one is kept already (events
        of one account may be handled out of order); one statement for all."""
        if balances:
            await self._session.execute(_SET_BALANCES, {
                "ids": [b.account_id for b in balances], "balances": [b.balance for b in balances],
                "ats": [b.at for b in balances]})

    async def add_line(self, msisdn: str, account_id: str) -> None:
        statement = insert(lines).values(msisdn=line_key(msisdn), account_id=account_id)
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[lines.c.msisdn], set_={"account_id": account_id}))


class SqlPayments:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, payment: Payment) -> None:
        await self._session.execute(_PAYMENT_INSERT, asdict(payment))

    async def get(self, payment_id: str, *, for_update: bool = False) -> Payment | None:
        query = select(payments).where(payments.c.id == payment_id)
        row = (await self._session.execute(
            query.with_for_update() if for_update else query)).mappings().first()
        return _payment(dict(row)) if row else None

    async def save(self, payment: Payment) -> None:
        await self._session.execute(
            payments.update().where(payments.c.id == payment.id).values(asdict(payment)))

    async def add_holding_reference(self, payment: Payment, registered: AuditRecord) -> str | None:
        """Store ``payment`` holding its channel's reference and its audit row, in one statement;
        when another payment holds it, store nothing and answer that one's id. A concurrent claim
        of the same reference waits here until the first one commits."""
        row = {**asdict(payment), **_audit_row(registered)}
        if (await self._session.execute(_ADD_HOLDING, row)).first():
            return None
        return await self.holder_of(payment.channel, payment.reference)

    async def add_into_open(self, payment: Payment, registered: AuditRecord) -> Claim:
        """``add_holding_reference`` in one statement with the account's check, tried only
        when the account is open and billed in the payment's currency: ``untried`` otherwise
        (not found, closed, another currency), ``taken`` when another payment holds the
        reference."""
        row = (await self._session.execute(
            _ADD_INTO_OPEN, {**asdict(payment), **_audit_row(registered)})).one()
        if not row.open:
            return "untried"
        return "taken" if row.id is None else "stored"

    async def holder_of(self, channel: str, reference: str) -> str | None:
        return await self._session.scalar(_HOLDER, {"channel": channel, "reference": reference})


_AUDIT_COLUMNS = ("at", "actor", "actor_role", "action", "target_type", "target_id", "after",
                  "correlation_id")


def _audit_row(record: AuditRecord) -> dict[str, Any]:
    """The audit row's parameters, as ``tarifa.audit.sql`` writes them (``before`` is NULL)."""
    return {"audit_at": record.at, "audit_actor": record.actor.subject,
            "audit_actor_role": record.actor.role, "audit_action": record.action,
            "audit_target_type": record.target_type, "audit_target_id": record.target_id,
            "audit_after": as_json(record.after), "audit_correlation_id": record.correlation_id}


def _open_account() -> Exists:
    """Whether the payment's account is in the replica, open and billed in its currency."""
    return select(accounts.c.account_id).where(
        accounts.c.account_id == bindparam("account_id", type_=accounts.c.account_id.type),
        accounts.c.status != CLOSED,
        accounts.c.currency == bindparam("currency", type_=accounts.c.currency.type)).exists()


def _holding(where: Exists | None = None) -> tuple[CTE, ...]:
    """``INSERT`` the reference (``ON CONFLICT DO NOTHING``; only if ``where`` holds, if given)
    and, only if it went in, the payment and its audit row: their CTEs, the payment's second."""
    columns = [column.name for column in payments.columns]
    reference = select(bindparam("channel", type_=offline_references.c.channel.type),
                       bindparam("reference", type_=offline_references.c.reference.type),
                       bindparam("id", type_=offline_references.c.payment_id.type))
    claim = insert(offline_references).from_select(
        ["channel", "reference", "payment_id"],
        reference if where is None else reference.where(where)).on_conflict_do_nothing(
        ).returning(offline_references.c.payment_id).cte("claim")
    values = select(*(bindparam(name, type_=payments.c[name].type) for name in columns))
    paid = payments.insert().from_select(
        columns, values.where(select(claim.c.payment_id).exists())).returning(
        payments.c.id).cte("paid")
    row = select(*(bindparam(f"audit_{name}", type_=audit.c[name].type) for name in _AUDIT_COLUMNS))
    audited = audit.insert().from_select(
        _AUDIT_COLUMNS, row.where(select(paid.c.id).exists())).cte("audited")
    return claim, paid, audited


def _add_holding() -> Any:
    """The payment's id, if stored."""
    ctes = _holding()
    return select(ctes[1].c.id).add_cte(*ctes)


def _add_into_open() -> Any:
    """The payment's id if stored where the account is open, and whether it is (one row)."""
    open_account = _open_account()
    ctes = _holding(open_account)
    return select(select(ctes[1].c.id).scalar_subquery().label("id"),
                  open_account.label("open")).add_cte(*ctes)


_ADD_HOLDING = _add_holding()
_ADD_INTO_OPEN = _add_into_open()
_HOLDER = select(offline_references.c.payment_id).where(
    offline_references.c.channel == bindparam("channel"),
    offline_references.c.reference == bindparam("reference"))
_PAYMENT_INSERT = payments.insert()


def _payment(row: dict[str, Any]) -> Payment:
    row["status"] = PaymentStatus(row["status"])
    return Payment(**row)


class SqlRefunds:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, refund: Refund) -> None:
        await self._session.execute(refunds.insert().values(asdict(refund)))
