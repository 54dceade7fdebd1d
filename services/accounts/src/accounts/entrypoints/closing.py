"""The accounts HTTP API of closing: an operator closes a line, or an account with its lines."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, StringConstraints
from tarifa.auth import CurrentPrincipal
from tarifa.fields import NoControl
from tarifa.web.access import GuardedRoute

from accounts.domain.closing import ClosingPolicy
from accounts.entrypoints.errors import problems
from accounts.entrypoints.http import OPERATOR, account_out, actor
from accounts.entrypoints.schemas import AccountOut
from accounts.service.accounts import get_account
from accounts.service.closing import (
    CloseAccount,
    CloseLine,
    close_account_and_lines,
    close_one_line,
)
from accounts.service.ports import UnitOfWork

__all__ = ["ClosedLineOut", "ClosureBody", "closing_router"]

NewUow = Callable[[], UnitOfWork]


class ClosureBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200),
                      NoControl] = ""


class ClosedLineOut(BaseModel):
    msisdn: str
    account_id: str
    status: str
    closed_at: datetime
    number_free_from: datetime


def closing_router(new_uow: NewUow, policy: ClosingPolicy) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1", tags=["accounts"])

    @router.post("/lines/{msisdn}/closure", response_model=ClosedLineOut,
                 responses={404: {}, 409: {}}, dependencies=OPERATOR)
    async def post_line_closure(msisdn: str, body: ClosureBody,
                                principal: CurrentPrincipal) -> ClosedLineOut:
        """Close an active line now: no usage nor fee after it; its number is quarantined."""
        with problems():
            line = await close_one_line(new_uow(), CloseLine(msisdn, actor(principal),
                                                             body.reason), policy)
        assert line.closed_at is not None and line.number_free_from is not None
        return ClosedLineOut(msisdn=line.msisdn, account_id=line.account_id, status=line.status,
                             closed_at=line.closed_at, number_free_from=line.number_free_from)

    @router.post("/accounts/{account_id}/closure", response_model=AccountOut,
                 responses={404: {}, 409: {}}, dependencies=OPERATOR)
    async def post_account_closure(account_id: str, body: ClosureBody,
                                   principal: CurrentPrincipal) -> AccountOut:
        """Close the account and its lines now; invoicing issues its final invoice."""
        with problems():
            await close_account_and_lines(new_uow(), CloseAccount(account_id, actor(principal),
                                                                  body.reason), policy)
            return account_out(await get_account(new_uow(), account_id))

    return router
