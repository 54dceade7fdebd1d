"""Publishing plan versions and reading the version in effect.

Versions of a plan are numbered 1, 2, ... A publication with the same terms as the latest
version makes no new version. A new version may not take effect before the latest one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from tarifa.messaging.catalogue import PlanPublished

from rating.domain.plan import PlanError, PlanVersion
from rating.domain.rating import version_on
from rating.service.ports import UnitOfWork

__all__ = ["Published", "current_plan", "publish_plan"]


@dataclass(frozen=True, slots=True)
class Published:
    plan: PlanVersion
    new_plan: bool
    new_version: bool


def _published(plan: PlanVersion) -> PlanPublished:
    return PlanPublished(code=plan.code, version=plan.version, payment_mode=plan.payment_mode,
                         monthly_fee=plan.monthly_fee, currency=plan.currency,
                         vat_rate=plan.vat_rate, effective_from=plan.effective_from,
                         name=plan.name, prices_include_vat=plan.prices_include_vat)


def _check_order(latest: PlanVersion, terms: PlanVersion) -> None:
    if terms.effective_from < latest.effective_from:
        raise PlanError("effective_from", f"version {latest.version} takes effect on "
                        f"{latest.effective_from.isoformat()}; a new version cannot start earlier")


async def publish_plan(uow: UnitOfWork, terms: PlanVersion) -> Published:
    """Store ``terms`` as the plan's next version (its ``version`` is ignored), audit it for
    ``uow.actor`` (the latest version before, the new one after) and announce it."""
    async with uow:
        await uow.plans.lock(terms.code)
        versions = await uow.plans.versions(terms.code)
        latest = versions[-1] if versions else None
        if latest is not None and latest.terms() == terms.terms():
            return Published(latest, new_plan=False, new_version=False)
        if latest is not None:
            _check_order(latest, terms)
        plan = replace(terms, version=len(versions) + 1)
        await uow.plans.add(plan, uow.clock.now())
        await uow.trail.record(uow.actor, "plan.published", "plan", plan.code, before=latest,
                               after=plan)
        uow.emit(_published(plan))
        await uow.commit()
    return Published(plan, new_plan=latest is None, new_version=True)


async def current_plan(uow: UnitOfWork, code: str) -> PlanVersion | None:
    """The version in effect now; a plan whose first version starts later answers that one."""
    async with uow:
        versions = await uow.plans.versions(code)
    return version_on(versions, uow.clock.now().date()) or (versions[0] if versions else None)
