"""An audit trail in memory, for the unit tests' fake units of work."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tarifa import correlation
from tarifa.audit import Actor, AuditEntry, AuditPage, AuditQuery, AuditRecord, as_json
from tarifa.clock import Clock

__all__ = ["MemoryAuditTrail"]


class MemoryAuditTrail:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.records: list[AuditRecord] = []

    async def record(self, actor: Actor, action: str, target_type: str, target_id: str, *,
                     before: Any = None, after: Any = None) -> None:
        self.records.append(AuditRecord(self._clock.now(), actor, action, target_type, target_id,
                                        as_json(before), as_json(after), correlation.current()))

    async def record_all(self, entries: Sequence[AuditEntry]) -> None:
        for e in entries:
            self.records.append(AuditRecord(
                self._clock.now(), e.actor, e.action, e.target_type, e.target_id,
                as_json(e.before), as_json(e.after), e.correlation_id or correlation.current()))

    async def page(self, query: AuditQuery) -> AuditPage:
        found = [r for r in reversed(self.records) if _matches(r, query)]
        return AuditPage(found[query.offset:query.offset + query.limit], len(found))

    @property
    def actions(self) -> list[str]:
        return [r.action for r in self.records]


def _matches(record: AuditRecord, query: AuditQuery) -> bool:
    return ((query.target_type is None or record.target_type == query.target_type)
            and (query.target_id is None or record.target_id == query.target_id)
            and (query.since is None or record.at >= query.since)
            and (query.until is None or record.at < query.until))
