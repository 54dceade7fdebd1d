"""The rating HTTP API of add-on packages: the catalogue (operators define, anyone signed in
reads) and a line's packages (a subscriber switches its own lines' packages on and off)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field, StrictBool
from tarifa.audit import Actor
from tarifa.auth import CurrentPrincipal, Principal, Role, allow
from tarifa.fields import CurrencyCode, Text
from tarifa.money import InvalidAmount, parse_amount
from tarifa.problems import Conflict, InvalidInput, NotFound
from tarifa.web.access import GuardedRoute

from rating.domain.packages import LinePackage, Package, PackageError
from rating.domain.plan import Allowance, PlanError
from rating.entrypoints.schemas import AllowanceBody, Rate
from rating.service.packages import (
    LineNotFound,
    PackageConflict,
    PackageNotFound,
    SwitchPackage,
    define_package,
    line_packages,
    switch_off,
    switch_on,
)
from rating.service.ports import UnitOfWork

__all__ = ["packages_router"]

PackageCode = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")]
Msisdn = Annotated[str, Path(pattern=r"^\+?[1-9][0-9]{6,14}$")]
OPERATOR = [allow(Role.OPERATOR)]
READERS = [allow(Role.OPERATOR, Role.SUBSCRIBER)]  # a subscriber's own lines: checked on them
NewUow = Callable[[], UnitOfWork]


class PackageBody(BaseModel):
    """An add-on package: its fee is monthly for postpaid accounts (pro rata for a part of a
    month) and charged in daily shares for prepaid ones; its allowances are used before the
    plan's."""

    model_config = ConfigDict(extra="forbid")

    name: Text = Field(min_length=1, max_length=200)
    payment_mode: Literal["prepaid", "postpaid"]
    currency: CurrencyCode
    monthly_fee: Rate = Field(description="decimal string in the currency's minor units")
    vat_rate: Rate = Field(description="decimal fraction in [0, 1), e.g. \"0.20\"")
    prices_include_vat: StrictBool
    allowances: list[AllowanceBody] = Field(default_factory=list, max_length=100)


class PackageOut(BaseModel):
    code: str
    name: str
    payment_mode: str
    currency: str
    monthly_fee: Decimal
    vat_rate: Decimal
    prices_include_vat: bool
    allowances: list[AllowanceBody]


class SwitchBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")


class LinePackageOut(BaseModel):
    msisdn: str
    code: str
    started_at: datetime
    ended_at: datetime | None


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(f"{field}: {message}", errors=[{"field": field, "message": message}])


def _package(code: str, body: PackageBody) -> Package:
    try:
        fee = parse_amount(body.monthly_fee, body.currency)
    except InvalidAmount as exc:
        raise _invalid("monthly_fee", str(exc)) from exc
    if Decimal(body.vat_rate) >= 1:
        raise _invalid("vat_rate", "must be a fraction below 1, e.g. 0.20")
    package = Package(code, body.name, body.payment_mode, body.currency, fee,
                      Decimal(body.vat_rate), body.prices_include_vat,
                      tuple(Allowance(a.type, a.direction, a.zone, a.quantity)
                            for a in body.allowances))
    try:
        package.as_plan()  # the allowances obey the plans' rules (no kind twice)
    except PlanError as exc:
        raise _invalid(exc.field, exc.message) from exc
    return package


def _package_out(package: Package) -> PackageOut:
    return PackageOut(code=package.code, name=package.name, payment_mode=package.payment_mode,
                      currency=package.currency, monthly_fee=package.monthly_fee,
                      vat_rate=package.vat_rate, prices_include_vat=package.prices_include_vat,
                      allowances=[AllowanceBody.model_validate(
                          {"type": a.type, "direction": a.direction, "zone": a.zone,
                           "quantity": a.quantity}) for a in package.allowances])


def _use_out(use: LinePackage) -> LinePackageOut:
    return LinePackageOut(msisdn=use.msisdn, code=use.code, started_at=use.started_at,
                          ended_at=use.ended_at)


def _scope(principal: Principal) -> str | None:
    return principal.account_id or "" if principal.role is Role.SUBSCRIBER else None


@contextmanager
def _refusals() -> Iterator[None]:
    try:
        yield
    except (LineNotFound, PackageNotFound) as exc:
        raise NotFound(str(exc)) from exc
    except PackageConflict as exc:
        raise Conflict(str(exc), slug="package-conflict") from exc
    except PackageError as exc:
        raise _invalid(exc.field, str(exc)) from exc


def _catalogue(router: APIRouter, new_uow: NewUow) -> None:
    @router.put("/packages/{code}", response_model=PackageOut, dependencies=OPERATOR)
    async def put_package(code: PackageCode, body: PackageBody,
                          principal: CurrentPrincipal) -> PackageOut:
        """Define an add-on package or change its terms (from the next charge on)."""
        package = _package(code, body)
        return _package_out(await define_package(new_uow().acting(Actor.of(principal)),
                                                 package))

    @router.get("/packages", response_model=list[PackageOut], dependencies=READERS)
    async def list_packages() -> list[PackageOut]:
        async with new_uow() as uow:
            return [_package_out(p) for p in await uow.packages.listed()]


def _line_packages(router: APIRouter, new_uow: NewUow) -> None:
    @router.post("/lines/{msisdn}/packages", status_code=201, response_model=LinePackageOut,
                 responses={404: {}, 409: {}, 422: {}}, dependencies=READERS)
    async def post_line_package(msisdn: Msisdn, body: SwitchBody,
                                principal: CurrentPrincipal) -> LinePackageOut:
        """Switch a package on the line from now."""
        command = SwitchPackage(msisdn.lstrip("+"), body.code, _scope(principal))
        with _refusals():
            return _use_out(await switch_on(new_uow().acting(Actor.of(principal)), command))

    @router.delete("/lines/{msisdn}/packages/{code}", response_model=LinePackageOut,
                   responses={404: {}}, dependencies=READERS)
    async def delete_line_package(msisdn: Msisdn, code: PackageCode,
                                  principal: CurrentPrincipal) -> LinePackageOut:
        """Switch the package off the line now."""
        command = SwitchPackage(msisdn.lstrip("+"), code, _scope(principal))
        with _refusals():
            return _use_out(await switch_off(new_uow().acting(Actor.of(principal)), command))

    @router.get("/lines/{msisdn}/packages", response_model=list[LinePackageOut],
                responses={404: {}}, dependencies=READERS)
    async def get_line_packages(msisdn: Msisdn,
                                principal: CurrentPrincipal) -> list[LinePackageOut]:
        with _refusals():
            uses = await line_packages(new_uow(), msisdn.lstrip("+"), _scope(principal))
        return [_use_out(use) for use in uses]


def packages_router(new_uow: NewUow) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1", tags=["rating"])
    _catalogue(router, new_uow)
    _line_packages(router, new_uow)
    return router
