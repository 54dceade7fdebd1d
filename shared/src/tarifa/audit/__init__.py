"""The audit trail: who changed which money or status, from what to what, under which request.

Every change to money or status writes one row in the same transaction as the change, through
the unit of work's ``trail``::

    await uow.trail.record(actor, "credit_note.issued", "invoice", invoice.id,
                           before=invoice_before, after=invoice_after)

Work that changes many targets at once (a batch posting, a fee pass) writes its rows in one
statement with ``record_all``, one ``AuditEntry`` per target.

The actor is the caller of an HTTP request (its token's subject and role, ``Actor.of``) or, for
work nobody asked for over HTTP, the consumer or job doing it (``Actor.system``). The row takes
the correlation id of the work in progress and the unit of work's clock. Before and after are
stored as JSON (dataclasses as objects, decimals and dates as strings).

The table is in :mod:`tarifa.audit.tables` (each service copies it into its metadata, as it does
the outbox), the SQL recorder and reader in :mod:`tarifa.audit.sql`, the operators' route in
:mod:`tarifa.web.audit`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

import orjson

__all__ = ["SYSTEM", "Actor", "AuditEntry", "AuditPage", "AuditQuery", "AuditRecord", "AuditTrail",
           "as_json", "json_default"]

SYSTEM = "system"
"""The role of an actor that is a consumer or a scheduled job of the suite itself."""


class _Caller(Protocol):
    @property
    def subject(self) -> str: ...

    @property
    def role(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Actor:
    """Who made a change: a token's subject and role, or a consumer's or job's name."""

    subject: str
    role: str

    @classmethod
    def of(cls, caller: _Caller) -> Actor:
        """The caller of a request (a ``tarifa.auth.Principal``)."""
        return cls(caller.subject, str(caller.role))

    @classmethod
    def system(cls, name: str) -> Actor:
        """A consumer or a scheduled job, by its name (e.g. ``consumer:invoicing.payments``)."""
        return cls(name, SYSTEM)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """A row to write: what ``AuditTrail.record`` takes, for ``record_all``."""

    actor: Actor
    action: str
    target_type: str
    target_id: str
    before: Any = None
    after: Any = None
    correlation_id: str | None = None
    """The work the row belongs to; None: the work that writes it."""


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One row of the trail."""

    at: datetime
    actor: Actor
    action: str
    target_type: str
    target_id: str
    before: Any
    after: Any
    correlation_id: str | None


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """The rows about one target type (and optionally one target) in ``[since, until)``, newest
    first, ``limit`` of them after skipping ``offset``."""

    target_type: str | None = None
    target_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, slots=True)
class AuditPage:
    records: list[AuditRecord]
    total: int


class AuditTrail(Protocol):
    async def record(self, actor: Actor, action: str, target_type: str, target_id: str, *,
                     before: Any = None, after: Any = None) -> None:
        """Write one row about ``target_type``/``target_id`` in the work's transaction."""

    async def record_all(self, entries: Sequence[AuditEntry]) -> None:
        """Write one row per entry in the work's transaction, all in one statement."""

    async def page(self, query: AuditQuery) -> AuditPage: ...


def json_default(value: Any) -> Any:
    """What orjson writes for the values it does not know itself (decimals, sets, tuples)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, frozenset | set | tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def as_json(value: Any) -> Any:
    """``value`` as JSON values: dataclasses as objects, decimals, dates and enums as strings."""
    if value is None:
        return None
    return orjson.loads(orjson.dumps(value, default=json_default, option=orjson.OPT_NON_STR_KEYS))
