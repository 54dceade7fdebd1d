"""``GET /v1/accounts/{account_id}/usage``: every rated record of an account's lines in an
interval, line by line and oldest first, page by page (SPEC I7).

It is what a detailed bill lists and what a subscriber views online; invoicing reads it with its
own token. ``from`` and ``to`` are usage dates (the account's local days), both inclusive.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from tarifa.auth import Role, allow
from tarifa.fields import SaneDate
from tarifa.problems import InvalidInput, NotFound
from tarifa.web.access import GuardedRoute

from rating.entrypoints.cursors import after_cursor, cursor_of
from rating.entrypoints.schemas import UsagePageOut, UsageRecordOut
from rating.service.ports import AccountUsageQuery, RecordsUnitOfWork
from rating.service.queries import AccountNotFound, account_usage

__all__ = ["MAX_DAYS", "records_router"]

OWN_ACCOUNT = [allow(Role.OPERATOR, Role.SUBSCRIBER, own_account="account_id")]
AccountId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")]
MAX_DAYS = 744
"""The longest interval one query covers: two years, beyond any detailed bill's window."""


def _interval(first: date, last: date) -> None:
    if first > last:
        raise InvalidInput("from is after to", errors=[{"field": "from", "message": "after to"}])
    if (last - first).days >= MAX_DAYS:
        raise InvalidInput(f"an interval covers at most {MAX_DAYS} days",
                           errors=[{"field": "to", "message": "interval too long"}])


def _after(cursor: str | None) -> tuple[str, datetime, str] | None:
    """The cursor carries the line beside the record's id: ``msisdn|id``."""
    after = after_cursor(cursor)
    if after is None:
        return None
    msisdn, bar, record_id = after[1].partition("|")
    if not bar:
        raise InvalidInput("cursor is not valid", errors=[{"field": "cursor",
                                                           "message": "not a cursor"}])
    return msisdn, after[0], record_id


def _cursor(after: tuple[str, datetime, str] | None) -> str | None:
    return cursor_of((after[1], f"{after[0]}|{after[2]}")) if after else None


def records_router(new_uow: Callable[[], RecordsUnitOfWork]) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1", tags=["rating"])

    @router.get("/accounts/{account_id}/usage", response_model=UsagePageOut,
                dependencies=OWN_ACCOUNT)
    async def get_account_usage(
        account_id: AccountId,
        first_day: Annotated[SaneDate, Query(alias="from")],
        last_day: Annotated[SaneDate, Query(alias="to")],
        direction: Literal["out", "in"] | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 500,
        cursor: Annotated[str | None, Query(max_length=400)] = None,
    ) -> UsagePageOut:
        """Rated records of the account's lines by usage date (``from``/``to`` inclusive), by
        line then time; the next page starts at ``next_cursor``."""
        _interval(first_day, last_day)
        query = AccountUsageQuery(account_id, first_day, last_day, direction, _after(cursor),
                                  limit)
        try:
            page = await account_usage(new_uow(), query)
        except AccountNotFound as exc:
            raise NotFound(str(exc)) from exc
        return UsagePageOut(items=[UsageRecordOut.model_validate(r) for r in page.records],
                            next_cursor=_cursor(page.next_after))

    return router
