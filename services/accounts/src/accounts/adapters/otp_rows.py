"""SQL storage of one-time code challenges (hashes only) and of the requests for them."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.adapters.tables import otp_challenges, otp_requests
from accounts.domain.otp import Challenge

__all__ = ["SqlOtpChallenges", "SqlOtpRequests"]


class SqlOtpChallenges:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, challenge: Challenge) -> None:
        await self._session.execute(otp_challenges.insert().values(asdict(challenge)))

    async def live(self, msisdn: str, now: datetime) -> Challenge | None:
        row = (await self._session.execute(
            select(otp_challenges).where(
                otp_challenges.c.msisdn == msisdn, otp_challenges.c.used_at.is_(None),
                otp_challenges.c.voided.is_(False), otp_challenges.c.expires_at > now)
            .order_by(otp_challenges.c.created_at.desc()).limit(1).with_for_update()
        )).mappings().first()
        return Challenge(**row) if row else None

    async def save(self, challenge: Challenge) -> None:
        await self._session.execute(otp_challenges.update().where(
            otp_challenges.c.id == challenge.id).values(
            tries=challenge.tries, used_at=challenge.used_at, voided=challenge.voided))

    async def void_live(self, msisdn: str) -> None:
        await self._session.execute(otp_challenges.update().where(
            otp_challenges.c.msisdn == msisdn, otp_challenges.c.used_at.is_(None),
            otp_challenges.c.voided.is_(False)).values(voided=True))

    async def purge(self, before: datetime) -> int:
        result = await self._session.execute(
            otp_challenges.delete().where(otp_challenges.c.expires_at < before))
        return int(getattr(result, "rowcount", 0) or 0)


def _scope(since: datetime, msisdn: str | None, client: str | None) -> ColumnElement[bool]:
    conditions: list[Any] = [otp_requests.c.at > since]
    if msisdn is not None:
        conditions.append(otp_requests.c.msisdn == msisdn)
    if client is not None:
        conditions.append(otp_requests.c.client == client)
    return and_(*conditions)


class SqlOtpRequests:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def hold(self, msisdn: str) -> None:
        await self._session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                                    {"key": f"otp:{msisdn}"})

    async def count(self, since: datetime, *, msisdn: str | None = None,
                    client: str | None = None) -> int:
        found = await self._session.scalar(
            select(func.count()).select_from(otp_requests).where(_scope(since, msisdn, client)))
        return int(found or 0)

    async def oldest(self, since: datetime, *, msisdn: str | None = None,
                     client: str | None = None) -> datetime | None:
        found: datetime | None = await self._session.scalar(
            select(func.min(otp_requests.c.at)).where(_scope(since, msisdn, client)))
        return found

    async def record(self, at: datetime, msisdn: str, client: str) -> None:
        await self._session.execute(otp_requests.insert().values(at=at, msisdn=msisdn,
                                                                 client=client))

    async def purge(self, before: datetime) -> int:
        result = await self._session.execute(
            otp_requests.delete().where(otp_requests.c.at < before))
        return int(getattr(result, "rowcount", 0) or 0)
