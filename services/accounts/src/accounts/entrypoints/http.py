"""The accounts HTTP API: customers, accounts and their lines."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from fastapi import APIRouter
from tarifa.auth import CurrentPrincipal, Principal, Role, allow
from tarifa.money import round_amount
from tarifa.web.access import GuardedRoute

from accounts.domain.account import Balance, BillDelivery, DeliveryMedium, PaymentMode
from accounts.domain.customer import Customer, CustomerKind, Language
from accounts.domain.line import Line
from accounts.entrypoints.errors import problems
from accounts.entrypoints.schemas import (
    AccountBody,
    AccountOut,
    BillDeliveryOut,
    CustomerBody,
    CustomerOut,
    LineBody,
    LineOut,
    PromisedPaymentOut,
    SuspensionOut,
)
from accounts.service.accounts import AccountView, OpenAccount, get_account, open_account
from accounts.service.customers import CreateCustomer, create_customer, get_customer
from accounts.service.lines import ActivateLine, activate_line, list_lines
from accounts.service.ports import UnitOfWork

__all__ = ["OPERATOR", "OWN_ACCOUNT", "account_out", "accounts_router", "actor"]

OPERATOR = [allow(Role.OPERATOR)]
OWN_ACCOUNT = [allow(Role.OPERATOR, Role.SUBSCRIBER, own_account="account_id")]


def actor(principal: Principal) -> str:
    return f"{principal.role}:{principal.subject}"


def _customer_out(customer: Customer) -> CustomerOut:
    return CustomerOut.model_validate(asdict(customer))


def account_out(view: AccountView) -> AccountOut:
    account, balance, suspension = view.account, view.balance, view.account.suspension
    return AccountOut(
        id=account.id, customer_id=account.customer_id, payment_mode=account.payment_mode,
        currency=account.currency, timezone=account.timezone, status=account.status,
        balance=str(round_amount(balance.amount, balance.currency)),
        bill_delivery=BillDeliveryOut.model_validate(asdict(account.bill_delivery)),
        bonus_points=account.bonus_points,
        promised_payment=PromisedPaymentOut(until=view.promise.until) if view.promise else None,
        suspension=SuspensionOut(from_=suspension.start, until=suspension.end)
        if suspension else None,
    )


def _line_out(line: Line) -> LineOut:
    return LineOut(msisdn=line.msisdn, plan_code=line.plan_code, status=line.status,
                   connected_at=line.connected_at)


def _open_command(body: AccountBody, actor: str) -> OpenAccount:
    delivery = body.bill_delivery
    return OpenAccount(
        customer_id=body.customer_id, payment_mode=PaymentMode(body.payment_mode),
        currency=body.currency, timezone=body.timezone, actor=actor,
        bill_delivery=BillDelivery(DeliveryMedium(delivery.medium), delivery.email,
                                   delivery.sms, delivery.address),
    )


def _customers(router: APIRouter, new_uow: Callable[[], UnitOfWork]) -> None:
    @router.post("/customers", status_code=201, response_model=CustomerOut, dependencies=OPERATOR)
    async def post_customer(body: CustomerBody, principal: CurrentPrincipal) -> CustomerOut:
        command = CreateCustomer(
            kind=CustomerKind(body.kind), name=body.name, language=Language(body.language),
            email=body.email, phone=body.phone, address=body.address, actor=actor(principal))
        return _customer_out(await create_customer(new_uow(), command))

    @router.get("/customers/{customer_id}", response_model=CustomerOut, dependencies=OPERATOR)
    async def read_customer(customer_id: str) -> CustomerOut:
        with problems():
            return _customer_out(await get_customer(new_uow(), customer_id))


def _accounts(router: APIRouter, new_uow: Callable[[], UnitOfWork]) -> None:
    @router.post("/accounts", status_code=201, response_model=AccountOut, dependencies=OPERATOR,
                 responses={404: {"description": "unknown customer"}})
    async def post_account(body: AccountBody, principal: CurrentPrincipal) -> AccountOut:
        with problems():
            account = await open_account(new_uow(), _open_command(body, actor(principal)))
        return account_out(AccountView(account, Balance.zero(account)))

    @router.get("/accounts/{account_id}", response_model=AccountOut, dependencies=OWN_ACCOUNT)
    async def read_account(account_id: str) -> AccountOut:
        with problems():
            return account_out(await get_account(new_uow(), account_id))


def _lines(router: APIRouter, new_uow: Callable[[], UnitOfWork]) -> None:
    @router.post("/accounts/{account_id}/lines", status_code=201, response_model=LineOut,
                 dependencies=OPERATOR, responses={409: {"description": "the number is taken"}})
    async def post_line(account_id: str, body: LineBody, principal: CurrentPrincipal) -> LineOut:
        command = ActivateLine(account_id=account_id, msisdn=body.msisdn,
                               plan_code=body.plan_code, connected_at=body.connected_at,
                               actor=actor(principal))
        with problems():
            return _line_out(await activate_line(new_uow(), command))

    @router.get("/accounts/{account_id}/lines", response_model=list[LineOut],
                dependencies=OWN_ACCOUNT)
    async def read_lines(account_id: str) -> list[LineOut]:
        with problems():
            return [_line_out(line) for line in await list_lines(new_uow(), account_id)]


def accounts_router(new_uow: Callable[[], UnitOfWork]) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1", tags=["accounts"])
    _customers(router, new_uow)
    _accounts(router, new_uow)
    _lines(router, new_uow)
    return router
