"""The rating unit of work over SQLAlchemy."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from tarifa.idempotency.sql import SqlIdempotencyStore
from tarifa.uow import SqlUnitOfWork

from rating.adapters.fees import SqlFees
from rating.adapters.packages import SqlPackages
from rating.adapters.parked import SqlParked
from rating.adapters.rejections import SqlRejections
from rating.adapters.repositories import SqlBuckets, SqlPlans, SqlReplica
from rating.adapters.rerating import SqlRerating
from rating.adapters.usage import SqlUsage

__all__ = ["RatingUnitOfWork"]


class RatingUnitOfWork(SqlUnitOfWork):
    def _open(self, session: AsyncSession) -> None:
        self.plans = SqlPlans(session)
        self.replica = SqlReplica(session)
        self.usage = SqlUsage(session)
        self.buckets = SqlBuckets(session)
        self.fees = SqlFees(session)
        self.rerating = SqlRerating(session)
        self.idempotency = SqlIdempotencyStore(session)
        self.rejections = SqlRejections(session)
        self.parked = SqlParked(session)
        self.packages = SqlPackages(session)
