"""Use cases of add-on packages: the catalogue's packages, switching one on or off a line.

A package switched on or off is audited and announced in its transaction, and the days its fee
schedule changed that the recurring-fee pass looked at already are charged at once
(``fee_pass.settle_package``): the first days of a package, or the credit of a postpaid month
charged ahead when it goes off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tarifa.messaging.catalogue import PackagePublished, PackageSwitchedOff, PackageSwitchedOn

from rating.domain.lines import Line
from rating.domain.packages import LinePackage, Package, check_fits
from rating.domain.schedule import local_zone
from rating.service.fee_pass import settle_package
from rating.service.ports import UnitOfWork

__all__ = ["LineNotFound", "PackageConflict", "PackageNotFound", "SwitchPackage",
           "define_package", "line_packages", "switch_off", "switch_on"]


class PackageNotFound(Exception):
    """No such package in the catalogue, or not on the line."""


class LineNotFound(Exception):
    """No such line (or not one of the caller's account)."""


class PackageConflict(Exception):
    """The package is on the line already, or went off this month."""


@dataclass(frozen=True, slots=True)
class SwitchPackage:
    msisdn: str
    code: str
    account_scope: str | None = None
    """A subscriber's own account: another account's line is not found."""


async def define_package(uow: UnitOfWork, package: Package) -> Package:
    """Store the package's terms (new or changed), audited for ``uow.actor``, announced."""
    async with uow:
        before = await uow.packages.get(package.code)
        if before == package:
            return package
        await uow.packages.save(package, uow.clock.now())
        await uow.trail.record(uow.actor, "package.published", "package", package.code,
                               before=before, after=package)
        uow.emit(PackagePublished(code=package.code, name=package.name,
                                  payment_mode=package.payment_mode, currency=package.currency,
                                  monthly_fee=package.monthly_fee, vat_rate=package.vat_rate))
        await uow.commit()
    return package


async def _line(uow: UnitOfWork, command: SwitchPackage) -> Line:
    line = (await uow.replica.lock_lines([command.msisdn])).get(command.msisdn)
    if line is None or command.account_scope not in (None, line.account_id):
        raise LineNotFound(f"line {command.msisdn} not found")
    return line


async def _package(uow: UnitOfWork, code: str) -> Package:
    package = await uow.packages.get(code)
    if package is None:
        raise PackageNotFound(f"package {code} not found")
    return package


async def _check_free(uow: UnitOfWork, line: Line, code: str, now: datetime) -> None:
    zone = local_zone(await uow.replica.account(line.account_id))
    month = now.astimezone(zone).date().replace(day=1)
    for use in (await uow.packages.uses_of([line.msisdn]))[line.msisdn]:
        if use.code != code:
            continue
        if use.ended_at is None:
            raise PackageConflict(f"package {code} is on line {line.msisdn} already")
        if use.ended_at.astimezone(zone).date().replace(day=1) == month:
            raise PackageConflict(f"package {code} went off line {line.msisdn} this month; it "
                                  "may go on again from next month")


async def _settle(uow: UnitOfWork, line: Line, code: str, at: datetime) -> None:
    zone = local_zone(await uow.replica.account(line.account_id))
    await settle_package(uow, line.msisdn, code, at.astimezone(zone).date())


async def switch_on(uow: UnitOfWork, command: SwitchPackage) -> LinePackage:
    """Switch the package on the line from now; its fee and allowances count from now."""
    async with uow:
        line, now = await _line(uow, command), uow.clock.now()
        package = await _package(uow, command.code)
        account = await uow.replica.account(line.account_id)
        if account is None:
            raise LineNotFound(f"the account of line {line.msisdn} is not known yet")
        check_fits(package, line, account.payment_mode, account.currency, now)
        await _check_free(uow, line, package.code, now)
        use = LinePackage(line.msisdn, package.code, now)
        await uow.packages.start(use)
        await uow.trail.record(uow.actor, "package.switched_on", "line", line.msisdn, after=use)
        uow.emit(PackageSwitchedOn(account_id=line.account_id, msisdn=line.msisdn,
                                   code=package.code, at=now), subject=line.account_id)
        await _settle(uow, line, package.code, now)
        await uow.commit()
    return use


async def switch_off(uow: UnitOfWork, command: SwitchPackage) -> LinePackage:
    """Switch the package off the line now; a postpaid month charged ahead is credited."""
    async with uow:
        line, now = await _line(uow, command), uow.clock.now()
        held = [u for u in (await uow.packages.uses_of([line.msisdn]))[line.msisdn]
                if u.code == command.code and u.ended_at is None]
        if not held:
            raise PackageNotFound(f"package {command.code} is not on line {line.msisdn}")
        await uow.packages.end(held[0], now)
        ended = LinePackage(line.msisdn, command.code, held[0].started_at, now)
        await uow.trail.record(uow.actor, "package.switched_off", "line", line.msisdn,
                               before=held[0], after=ended)
        uow.emit(PackageSwitchedOff(account_id=line.account_id, msisdn=line.msisdn,
                                    code=command.code, at=now), subject=line.account_id)
        await _settle(uow, line, command.code, now)
        await uow.commit()
    return ended


async def line_packages(uow: UnitOfWork, msisdn: str,
                        account_scope: str | None) -> list[LinePackage]:
    """The packages the line holds or held, oldest first."""
    async with uow:
        line = await uow.replica.line(msisdn)
        if line is None or account_scope not in (None, line.account_id):
            raise LineNotFound(f"line {msisdn} not found")
        return (await uow.packages.uses_of([msisdn]))[msisdn]


