"""Add-on packages of the catalogue (TV channels, data or minute packs) and a line's use of them.

A package has its own fee (monthly: postpaid, charged like a plan's fee with proration; daily
shares: prepaid) and its own allowances, which are used before the plan's. A line switches a
package on from an instant and off at another; a package is on a line at most once at a time.
Its fee is worked out by the plan's rules (``rating.domain.fees``) as the fee of a plan the line
holds while the package is on; its charges are told apart by their kind
(``package:<code>:<kind>``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from rating.domain.lines import Line
from rating.domain.plan import Allowance, PlanVersion

__all__ = ["KIND_PREFIX", "LinePackage", "Package", "PackageError", "check_fits",
           "package_kind", "package_line"]

KIND_PREFIX = "package:"
_ALWAYS = date(1900, 1, 1)


class PackageError(ValueError):
    """A package request the rules refuse; ``field`` names the part of the request at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class Package:
    code: str
    name: str
    payment_mode: str
    currency: str
    monthly_fee: Decimal
    vat_rate: Decimal
    prices_include_vat: bool
    allowances: tuple[Allowance, ...]

    def as_plan(self) -> PlanVersion:
        """The package's terms as a plan without prices, for the fee rules and allowances."""
        return PlanVersion(
            code=f"{KIND_PREFIX}{self.code}", version=1, name=self.name,
            payment_mode=self.payment_mode, currency=self.currency, monthly_fee=self.monthly_fee,
            vat_rate=self.vat_rate, prices_include_vat=self.prices_include_vat,
            effective_from=_ALWAYS, allowances=self.allowances, prices=())


@dataclass(frozen=True, slots=True)
class LinePackage:
    msisdn: str
    code: str
    started_at: datetime
    ended_at: datetime | None = None

    def on_at(self, instant: datetime) -> bool:
        return self.started_at <= instant and (self.ended_at is None or instant < self.ended_at)


def check_fits(package: Package, line: Line, payment_mode: str, currency: str,
               at: datetime) -> None:
    """A package goes on an open line of an account of its payment mode and currency."""
    if not line.open_at(at):
        raise PackageError("msisdn", f"line {line.msisdn} is closed")
    if package.payment_mode != payment_mode or package.currency != currency:
        raise PackageError("code", f"package {package.code} is for {package.payment_mode} "
                                   f"accounts in {package.currency}; the line's account is "
                                   f"{payment_mode} in {currency}")


def package_kind(code: str, kind: str) -> str:
    """The kind of a package's fee charge: ``package:<code>:<monthly|daily|…>``."""
    return f"{KIND_PREFIX}{code}:{kind}"


def package_line(line: Line, use: LinePackage) -> Line:
    """The line as the package's fee schedule sees it: on the package's plan while it is on."""
    ends = [t for t in (use.ended_at, line.closed_at) if t is not None]
    return Line(line.msisdn, line.account_id, f"{KIND_PREFIX}{use.code}",
                max(use.started_at, line.connected_at), (), min(ends, default=None))
