"""Translating plan bodies to plan versions and back."""

from __future__ import annotations

from decimal import Decimal

from tarifa.money import InvalidAmount, parse_amount
from tarifa.problems import InvalidInput

from rating.domain.plan import Allowance, PlanError, PlanVersion, Price, default_unit
from rating.entrypoints.schemas import PlanBody, PlanOut, PriceBody

__all__ = ["plan_out", "plan_version"]


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(f"{field}: {message}", errors=[{"field": field, "message": message}])


def _monthly_fee(body: PlanBody) -> Decimal:
    try:
        return parse_amount(body.monthly_fee, body.currency)
    except InvalidAmount as exc:
        raise _invalid("monthly_fee", str(exc)) from exc


def _vat_rate(body: PlanBody) -> Decimal:
    rate = Decimal(body.vat_rate)
    if rate >= 1:
        raise _invalid("vat_rate", "must be a fraction below 1, e.g. 0.20")
    return rate


def _price(body: PriceBody) -> Price:
    return Price(body.type, body.direction, body.zone, Decimal(body.unit_price),
                 body.first_increment, body.next_increment, body.unit or default_unit(body.type))


def plan_version(code: str, body: PlanBody) -> PlanVersion:
    """The plan version a body describes (numbered when published); 422 when the rules refuse."""
    try:
        return PlanVersion(
            code=code, version=0, name=body.name, payment_mode=body.payment_mode,
            currency=body.currency, monthly_fee=_monthly_fee(body), vat_rate=_vat_rate(body),
            prices_include_vat=body.prices_include_vat, effective_from=body.effective_from,
            allowances=tuple(Allowance(a.type, a.direction, a.zone, a.quantity)
                             for a in body.allowances),
            prices=tuple(_price(p) for p in body.prices))
    except PlanError as exc:
        raise _invalid(exc.field, exc.message) from exc


def plan_out(plan: PlanVersion) -> PlanOut:
    return PlanOut.model_validate({
        "code": plan.code, "version": plan.version, "name": plan.name,
        "payment_mode": plan.payment_mode, "currency": plan.currency,
        "monthly_fee": plan.monthly_fee, "vat_rate": plan.vat_rate,
        "prices_include_vat": plan.prices_include_vat, "effective_from": plan.effective_from,
        "allowances": [{"type": a.type, "direction": a.direction, "zone": a.zone,
                        "quantity": a.quantity} for a in plan.allowances],
        "prices": [{"type": p.type, "direction": p.direction, "zone": p.zone,
                    "unit_price": str(p.unit_price), "first_increment": p.first_increment,
                    "next_increment": p.next_increment, "unit": p.unit} for p in plan.prices],
    })
