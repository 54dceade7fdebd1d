"""In-memory fakes of the accounts ports of one-time SMS codes: challenges, the requests
counted for the limits, and the sender."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from accounts.domain.otp import Challenge, OneTimeCode

__all__ = ["FakeCodeSender", "FakeOtpChallenges", "FakeOtpRequests"]


class FakeOtpChallenges:
    def __init__(self) -> None:
        self.rows: dict[str, Challenge] = {}

    async def add(self, challenge: Challenge) -> None:
        self.rows[challenge.id] = challenge

    async def live(self, msisdn: str, now: datetime) -> Challenge | None:
        live = [c for c in self.rows.values() if c.msisdn == msisdn and c.live_at(now)]
        return max(live, key=lambda c: c.created_at, default=None)

    async def save(self, challenge: Challenge) -> None:
        self.rows[challenge.id] = challenge

    async def void_live(self, msisdn: str) -> None:
        for c in list(self.rows.values()):
            if c.msisdn == msisdn and c.used_at is None:
                self.rows[c.id] = replace(c, voided=True)

    async def purge(self, before: datetime) -> int:
        old = [key for key, c in self.rows.items() if c.expires_at < before]
        for key in old:
            del self.rows[key]
        return len(old)


class FakeOtpRequests:
    def __init__(self) -> None:
        self.rows: list[tuple[datetime, str, str]] = []

    async def hold(self, msisdn: str) -> None:
        return None

    def _scope(self, since: datetime, msisdn: str | None, client: str | None) -> list[datetime]:
        return [at for at, m, c in self.rows if at > since and msisdn in (None, m)
                and client in (None, c)]

    async def count(self, since: datetime, *, msisdn: str | None = None,
                    client: str | None = None) -> int:
        return len(self._scope(since, msisdn, client))

    async def oldest(self, since: datetime, *, msisdn: str | None = None,
                     client: str | None = None) -> datetime | None:
        return min(self._scope(since, msisdn, client), default=None)

    async def record(self, at: datetime, msisdn: str, client: str) -> None:
        self.rows.append((at, msisdn, client))

    async def purge(self, before: datetime) -> int:
        kept = [row for row in self.rows if row[0] >= before]
        purged, self.rows = len(self.rows) - len(kept), kept
        return purged


class FakeCodeSender:
    """Keeps what would have been texted."""

    def __init__(self) -> None:
        self.sent: list[OneTimeCode] = []

    def send(self, code: OneTimeCode) -> None:
        self.sent.append(code)
