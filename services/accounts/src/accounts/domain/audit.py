"""Audit entries: who changed what, written in the same transaction as the change."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["AuditEntry"]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    data: dict[str, Any] = field(default_factory=dict)
    before: dict[str, Any] | None = None
    """What the entity held before the change, where the change has a before."""
