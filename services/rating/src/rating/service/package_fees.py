"""The fees of the packages on lines, worked out with the lines' own fees (``fee_pass``).

Each package a line holds has a fee schedule of its own: the line as it is while the package is
on, on a plan made of the package's terms (``rating.domain.packages``), with the package's own
charges per month. A pass reads the packages of a chunk's lines and their charges in one
statement per package in use, so it stays set-based.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal

from rating.domain.packages import KIND_PREFIX, LinePackage, Package, package_kind, package_line
from rating.domain.schedule import FeeCharge, LineFees
from rating.service.ports import UnitOfWork

__all__ = ["Due", "package_charges"]

Due = Mapping[str, tuple[LineFees, date, date]]
"""Per line: its schedule, the first day to look at and the last (local days)."""


def _span(use: LinePackage, schedule: LineFees, first: date, last: date) -> tuple[date, date] | None:
    """The days from ``first`` to ``last`` the package touches: from the day it went on to the
    day it went off (that day is looked at again: it settles the month)."""
    zone = schedule.zone
    start = max(use.started_at.astimezone(zone).date(), first)
    end = last if use.ended_at is None else min(last, use.ended_at.astimezone(zone).date())
    return (start, end) if start <= end else None


def _charges(package: Package, use: LinePackage, schedule: LineFees, span: tuple[date, date],
             charged: dict[date, Decimal]) -> list[FeeCharge]:
    plan = package.as_plan()
    fees = LineFees(package_line(schedule.line, use), schedule.account, {plan.code: [plan]},
                    schedule.suspensions, charged)
    return [replace(c, kind=package_kind(package.code, c.kind)) for c in fees.charges(*span)]


async def _of_package(uow: UnitOfWork, package: Package, uses: dict[str, list[LinePackage]],
                      due: Due) -> list[FeeCharge]:
    spans = {(msisdn, use): span for msisdn, held in uses.items() for use in held
             if use.code == package.code and (span := _span(use, *due[msisdn]))}
    if not spans:
        return []
    firsts = {msisdn: min(s[0] for (m, _), s in spans.items() if m == msisdn).replace(day=1)
              for msisdn, _ in spans}
    charged = await uow.fees.charged_since_many(firsts, kinds=f"{KIND_PREFIX}{package.code}:")
    return [charge for (msisdn, use), span in sorted(spans.items(), key=lambda s: s[1])
            for charge in _charges(package, use, due[msisdn][0], span, charged[msisdn])]


async def package_charges(uow: UnitOfWork, due: Due, only: str | None = None) -> list[FeeCharge]:
    """The package fees of the ``due`` lines' days (``only`` that package when given)."""
    uses = await uow.packages.uses_of(list(due)) if due else {}
    codes = {use.code for held in uses.values() for use in held}
    if only is not None:
        codes &= {only}
    catalogue = await uow.packages.of_codes(codes) if codes else {}
    found: list[FeeCharge] = []
    for code in sorted(catalogue):
        found.extend(await _of_package(uow, catalogue[code], uses, due))
    return found
