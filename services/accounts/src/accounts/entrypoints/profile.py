"""The customer's details: an operator changes any of them, a subscriber its contact data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from fastapi import APIRouter
from tarifa.auth import CurrentPrincipal
from tarifa.web.access import GuardedRoute

from accounts.domain.customer import Customer
from accounts.entrypoints.errors import problems
from accounts.entrypoints.http import OPERATOR, OWN_ACCOUNT, actor
from accounts.entrypoints.schemas import CustomerOut, CustomerPatch, ProfilePatch
from accounts.service.ports import UnitOfWork
from accounts.service.profile import (
    ChangeCustomer,
    ChangeProfile,
    change_customer,
    change_profile,
    get_profile,
)

__all__ = ["profile_router"]

ANNOUNCED = ("Each account of the customer is announced as `accounts.account.updated` with the "
             "whole profile (customer_name, customer_kind, email, phone, address, language) and "
             "its bill delivery when a destination followed the change.")


def _out(customer: Customer) -> CustomerOut:
    return CustomerOut.model_validate(asdict(customer))


def profile_router(new_uow: Callable[[], UnitOfWork]) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1", tags=["accounts"])

    @router.patch("/customers/{customer_id}", response_model=CustomerOut, dependencies=OPERATOR,
                  description=ANNOUNCED, responses={404: {}, 422: {}})
    async def patch_customer(customer_id: str, body: CustomerPatch,
                             principal: CurrentPrincipal) -> CustomerOut:
        command = ChangeCustomer(customer_id, body.changes(), actor(principal))
        with problems():
            return _out(await change_customer(new_uow(), command))

    @router.get("/accounts/{account_id}/profile", response_model=CustomerOut,
                dependencies=OWN_ACCOUNT, responses={404: {}})
    async def read_profile(account_id: str) -> CustomerOut:
        with problems():
            return _out(await get_profile(new_uow(), account_id))

    @router.patch("/accounts/{account_id}/profile", response_model=CustomerOut,
                  dependencies=OWN_ACCOUNT, description=ANNOUNCED, responses={404: {}, 422: {}})
    async def patch_profile(account_id: str, body: ProfilePatch,
                            principal: CurrentPrincipal) -> CustomerOut:
        command = ChangeProfile(account_id, body.changes(), actor(principal))
        with problems():
            return _out(await change_profile(new_uow(), command))

    return router
