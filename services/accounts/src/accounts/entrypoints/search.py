"""``GET /v1/account-search``: an operator finds an account by phone number or account number."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Query
from tarifa.fields import Text
from tarifa.web.access import GuardedRoute

from accounts.entrypoints.http import OPERATOR, account_out
from accounts.entrypoints.schemas import AccountOut
from accounts.service.ports import UnitOfWork
from accounts.service.search import find_accounts

__all__ = ["search_router"]

SearchText = Annotated[Text, Query(min_length=1, max_length=64,
                                   description="a phone number (a line in service) or an account "
                                               "number")]


def search_router(new_uow: Callable[[], UnitOfWork]) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1", tags=["accounts"],
                       dependencies=OPERATOR)

    @router.get("/account-search", response_model=list[AccountOut])
    async def search_accounts(q: SearchText) -> list[AccountOut]:
        """The accounts ``q`` names, none when it names none; operators only."""
        return [account_out(view) for view in await find_accounts(new_uow, q)]

    return router
