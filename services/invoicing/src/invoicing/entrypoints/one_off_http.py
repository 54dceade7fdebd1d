"""The HTTP API of one-off charges: an operator posts one to an account, with an
``Idempotency-Key`` so a retried request charges once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Header
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from tarifa.audit import Actor
from tarifa.auth import CurrentPrincipal, Role, allow
from tarifa.fields import NoControl
from tarifa.idempotency import StoredResponse, once
from tarifa.problems import InvalidInput, NotFound
from tarifa.web.access import GuardedRoute

from invoicing.domain.ledger import LedgerError
from invoicing.domain.one_off import OneOffCharge, OneOffError
from invoicing.entrypoints.errors import refusals
from invoicing.service.one_off import AccountUnknown, PostedCharge, post_one_off
from invoicing.service.ports import UnitOfWork

__all__ = ["ChargeBody", "ChargeOut", "one_off_router"]

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]


class ChargeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                  max_length=200), NoControl] = Field(
        examples=["SIM card replacement"])
    amount: Annotated[str, StringConstraints(pattern=r"^[0-9]+(\.[0-9]+)?$", max_length=20)] = (
        Field(description="in the account's currency, exact to its minor unit; net of VAT "
                          "unless prices_include_vat", examples=["50.00"]))
    vat_rate: Decimal = Field(ge=0, lt=1, max_digits=6, decimal_places=4,
                              examples=["0.20"])
    prices_include_vat: bool = False


class ChargeOut(BaseModel):
    id: str
    account_id: str
    description: str
    currency: str
    net: Decimal
    vat: Decimal
    gross: Decimal
    vat_rate: Decimal
    prices_include_vat: bool
    occurred_on: date


@contextmanager
def _charge_refusals() -> Iterator[None]:
    try:
        with refusals():
            yield
    except AccountUnknown as exc:
        raise NotFound(str(exc)) from exc
    except OneOffError as exc:
        raise InvalidInput(str(exc), slug="charge-refused",
                           errors=[{"field": exc.field, "message": str(exc)}]) from exc
    except LedgerError as exc:
        raise InvalidInput(str(exc), slug="charge-refused") from exc


def _out(charge: PostedCharge) -> dict[str, Any]:
    return ChargeOut(**asdict(charge)).model_dump(mode="json")


def one_off_router(new_uow: Callable[[], UnitOfWork]) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1", tags=["invoicing"])

    @router.post("/accounts/{account_id}/charges", status_code=201, response_model=ChargeOut,
                 responses={404: {}, 409: {}, 422: {}}, dependencies=[allow(Role.OPERATOR)])
    async def post_charge(account_id: str, body: ChargeBody, principal: CurrentPrincipal,
                          idempotency_key: IdempotencyKey = None) -> Any:
        """Post a one-off charge (equipment, activation, a penalty); the next invoice states it
        as a line of its own."""
        command = OneOffCharge(account_id, body.description, body.amount, body.vat_rate,
                               body.prices_include_vat)

        with _charge_refusals():
            async with new_uow().acting(Actor.of(principal)) as uow:

                async def work() -> StoredResponse:
                    return 201, _out(await post_one_off(uow, command))

                _status, response = await once(uow, f"charge:{account_id}", idempotency_key,
                                               body.model_dump(mode="json"), work)
        return response

    return router
