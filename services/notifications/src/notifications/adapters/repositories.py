"""SQL repositories of the notifications service."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, DateTime, Text, bindparam, case, cast, func, or_, select
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.adapters.tables import balances, contacts, deliveries, templates
from notifications.domain.balance import KnownBalance
from notifications.domain.contact import Contact
from notifications.domain.delivery import Channel, Delivery, DeliveryStatus
from notifications.domain.templates import MessageTemplate, TemplateKey
from notifications.service.ports import ContactChanges

__all__ = ["SqlBalances", "SqlContacts", "SqlDeliveries", "SqlTemplates"]

_CONTACT_FIELDS = ("language", "medium", "bill_email", "email", "customer_name", "bill_sms", "phone",
                   "timezone")


_GET_CONTACTS = select(*(column for column in contacts.c
                         if column.name not in ("updated_at", "changed_at"))).where(
    contacts.c.account_id == func.any(bindparam("account_ids", type_=ARRAY(Text))))
_NEXT_DUE = (select(deliveries)
             .where(deliveries.c.status == DeliveryStatus.PENDING,
                    deliveries.c.next_attempt_at <= bindparam("now", type_=DateTime(timezone=True)))
             .order_by(deliveries.c.next_attempt_at).limit(bindparam("limit"))
             .with_for_update(skip_locked=True))
_GET_TEMPLATE = select(templates.c.body, templates.c.subject).where(
    templates.c.event == bindparam("event"), templates.c.channel == bindparam("channel"),
    templates.c.language == bindparam("language"))
"""The statements the dispatcher runs per message, built once (values go in as parameters)."""


class SqlContacts:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, account_id: str) -> Contact | None:
        return (await self.get_many([account_id])).get(account_id)

    async def get_many(self, account_ids: Collection[str]) -> dict[str, Contact]:
        if not account_ids:
            return {}
        rows = await self._session.execute(_GET_CONTACTS, {"account_ids": list(account_ids)})
        return {row["account_id"]: Contact(**row) for row in rows.mappings()}

    async def opened(self, contact: Contact) -> None:
        """Fill what is empty, and nothing an update already changed (even to empty)."""
        statement = insert(contacts).values(asdict(contact))
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[contacts.c.account_id],
            set_={name: case((contacts.c.changed_at.has_key(name), contacts.c[name]),
                             else_=func.coalesce(contacts.c[name], statement.excluded[name]))
                  for name in _CONTACT_FIELDS}))

    async def changed(self, account_id: str, changes: ContactChanges, at: datetime) -> None:
        """Each field takes the value of the latest change of it; an older one leaves it."""
        statement = insert(contacts).values(account_id=account_id, updated_at=at, **changes,
                                            changed_at={name: at.isoformat() for name in changes})
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[contacts.c.account_id],
            set_={**{name: case((_applies(name, at), statement.excluded[name]),
                                else_=contacts.c[name]) for name in changes},
                  "updated_at": func.greatest(contacts.c.updated_at, at),
                  "changed_at": _merged_stamps(changes, at)}))


def _stamp(name: str) -> ColumnElement[datetime]:
    stamp: ColumnElement[datetime] = contacts.c.changed_at[name].astext.cast(
        DateTime(timezone=True))
    return stamp


def _applies(name: str, at: datetime) -> ColumnElement[bool]:
    return or_(_stamp(name).is_(None), _stamp(name) <= at)


def _merged_stamps(changes: ContactChanges, at: datetime) -> ColumnElement[Any]:
    """The stored change times, each changed field's now the later of its own and ``at``."""
    pairs = [part for name in changes for part in (
        cast(name, Text), func.greatest(_stamp(name), cast(at, DateTime(timezone=True))))]
    stored = func.coalesce(contacts.c.changed_at, cast({}, JSONB))
    merged: ColumnElement[Any] = stored.op("||", return_type=JSONB)(
        func.jsonb_build_object(*pairs))
    return merged


def _saved(delivery: Delivery) -> dict[str, Any]:
    values = asdict(delivery)
    values["saved_id"] = values.pop("id")
    return values


def _delivery(row: Any) -> Delivery:
    values = dict(row)
    values["channel"] = Channel(values["channel"])
    values["status"] = DeliveryStatus(values["status"])
    return Delivery(**values)


_ADD_DELIVERY = insert(deliveries).on_conflict_do_nothing(
    index_elements=[deliveries.c.event_id, deliveries.c.channel]).returning(deliveries.c.id)
_SAVE_DELIVERY = deliveries.update().where(deliveries.c.id == bindparam("saved_id"))
"""Built once: a delivery's values go in as parameters, so no statement is rebuilt per row."""


class SqlDeliveries:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, delivery: Delivery) -> bool:
        return delivery.id in await self.add_all([delivery])

    async def add_all(self, deliveries: Sequence[Delivery]) -> set[str]:
        if not deliveries:
            return set()
        rows = await self._session.execute(_ADD_DELIVERY, [asdict(d) for d in deliveries])
        return set(rows.scalars())

    async def next_due(self, now: datetime, limit: int) -> list[Delivery]:
        rows = (await self._session.execute(_NEXT_DUE, {"now": now, "limit": limit})).mappings()
        return [_delivery(row) for row in rows]

    async def save(self, delivery: Delivery) -> None:
        await self.save_all([delivery])

    async def save_all(self, deliveries: Sequence[Delivery]) -> None:
        if deliveries:
            await self._session.execute(_SAVE_DELIVERY, [_saved(d) for d in deliveries])

    async def get(self, delivery_id: str) -> Delivery | None:
        statement = select(deliveries).where(deliveries.c.id == delivery_id).with_for_update()
        row = (await self._session.execute(statement)).mappings().first()
        return _delivery(row) if row else None

    async def exists(self, event_id: str, channel: Channel) -> bool:
        statement = select(deliveries.c.id).where(deliveries.c.event_id == event_id,
                                                  deliveries.c.channel == channel)
        return (await self._session.execute(statement)).first() is not None

    async def find(self, *, account_id: str | None, event: str | None,
                   limit: int) -> list[Delivery]:
        statement = select(deliveries).order_by(deliveries.c.created_at.desc(),
                                                deliveries.c.id).limit(limit)
        if account_id is not None:
            statement = statement.where(deliveries.c.account_id == account_id)
        if event is not None:
            statement = statement.where(deliveries.c.event == event)
        return [_delivery(row) for row in (await self._session.execute(statement)).mappings()]


class SqlBalances:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, account_id: str) -> KnownBalance | None:
        """The last balance seen, the account locked until the transaction ends: two replicas
        taking two changes of one account at once decide in turn whether it crossed below zero
        (a row lock would not do, the first change of an account finds no row)."""
        await self._session.execute(
            select(func.pg_advisory_xact_lock(func.hashtext(f"notifications.balance\n{account_id}"))))
        row = (await self._session.execute(
            select(balances).where(balances.c.account_id == account_id))).first()
        return KnownBalance(row.account_id, row.balance, row.at) if row else None

    async def record(self, balance: KnownBalance) -> None:
        statement = insert(balances).values(asdict(balance))
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[balances.c.account_id],
            set_={"balance": statement.excluded.balance, "at": statement.excluded.at},
            where=balances.c.at <= statement.excluded.at))


class SqlTemplates:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, key: TemplateKey) -> MessageTemplate | None:
        row = (await self._session.execute(_GET_TEMPLATE, asdict(key))).first()
        return MessageTemplate(row.body, row.subject) if row else None

    async def put(self, key: TemplateKey, template: MessageTemplate) -> None:
        statement = insert(templates).values(
            **asdict(key), subject=template.subject, body=template.body)
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[templates.c.event, templates.c.channel, templates.c.language],
            set_={"subject": template.subject, "body": template.body, "updated_at": func.now()}))
