"""What the replicas left behind, read from the databases and the test's SMTP server, SMSC
and event tap: each must show every fact once."""

from __future__ import annotations

import json
from collections import Counter

import asyncpg
from notifications.adapters.smsc_simulator import SmscSimulator

from ..e2e.mail import MailBox
from ..faults.tap import EventTap
from .replicas import Replicas

__all__ = ["doubled_events", "doubled_mail", "doubled_sms", "outbox_ids", "pending_deliveries"]


async def _fetch(url: str, query: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url, timeout=10)
    try:
        return list(await conn.fetch(query))
    finally:
        await conn.close()


async def outbox_ids(replicas: Replicas) -> tuple[set[str], int]:
    """The ids of every event staged in the five outboxes, and how many are still pending."""
    ids: set[str] = set()
    pending = 0
    for url in replicas.databases.values():
        rows = await _fetch(url, "SELECT id::text AS id, published_at FROM outbox")
        ids |= {row["id"] for row in rows}
        pending += sum(1 for row in rows if row["published_at"] is None)
    return ids, pending


async def pending_deliveries(replicas: Replicas) -> int:
    rows = await _fetch(replicas.databases["notifications"],
                        "SELECT count(*) AS n FROM deliveries WHERE status = 'pending'")
    return int(rows[0]["n"])


def _twice(counts: Counter[str]) -> dict[str, int]:
    return {key: n for key, n in counts.items() if n > 1}


def doubled_events(tap: EventTap) -> dict[str, int]:
    """CloudEvents ids the tap received more than once."""
    return _twice(Counter(json.loads(t.body)["id"] for t in tap.seen))


def doubled_mail(box: MailBox) -> dict[str, int]:
    """Message-IDs (one per event and channel, the same on a resend) received more than once."""
    return _twice(Counter(str(m["Message-ID"]) for m in box.messages))


def doubled_sms(smsc: SmscSimulator) -> dict[str, int]:
    return _twice(Counter(f"{m.destination}: {m.text}" for m in smsc.messages))
