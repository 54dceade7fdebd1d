"""Storing recurring fee charges: every day that began since a line was last looked at, caught up.

The daily pass (``rating.service.fee_pass``) works out the charges; this module stores,
announces and audits them. A line is handled under its row lock, from the day
after the last day looked at (or its connection day) to today in the account's time zone, so a
jump of the clock charges every missed day, and concurrent runs (clock moves, the periodic run,
other replicas) charge each day once. A charge is stored under the unique key (line, kind,
period date) and announced as ``rating.fee.charged`` and audited (``fee.charged`` about the
line, by the job ``rating.fees``) in the same transaction. A pass runs under one correlation id
(the clock move's request, or one of its own), which its events and audit rows carry. A line
whose account is not known yet waits for the next run.
"""

from __future__ import annotations

from tarifa.audit import Actor, AuditEntry
from tarifa.messaging.catalogue import FeeCharged

from rating.domain.schedule import FeeCharge
from rating.service.ports import UnitOfWork

__all__ = ["FEES", "store_charges"]

FEES = Actor.system("rating.fees")
"""The actor of the charges the fee pass makes."""


def _fee_charged(charge: FeeCharge) -> FeeCharged:
    return FeeCharged(account_id=charge.account_id, msisdn=charge.msisdn, kind=charge.kind,
                      period_date=charge.period_date, net=charge.split.net,
                      vat=charge.split.vat, gross=charge.split.gross,
                      currency=charge.plan.currency, vat_rate=charge.plan.vat_rate,
                      prices_include_vat=charge.plan.prices_include_vat)


def _audited(charge: FeeCharge) -> AuditEntry:
    after = {"account_id": charge.account_id, "kind": charge.kind,
             "period_date": charge.period_date, "amount": charge.amount,
             "net": charge.split.net, "vat": charge.split.vat, "gross": charge.split.gross,
             "currency": charge.plan.currency, "plan_code": charge.plan.code,
             "plan_version": charge.plan.version}
    return AuditEntry(FEES, "fee.charged", "line", charge.msisdn, after=after)


async def store_charges(uow: UnitOfWork, charges: list[FeeCharge]) -> None:
    """Store the charges, and announce and audit those not stored before."""
    inserted = await uow.fees.add(charges, uow.clock.now())
    made = [c for c in charges if (c.msisdn, c.kind, c.period_date) in inserted]
    for charge in made:
        uow.emit(_fee_charged(charge), subject=charge.account_id)
    await uow.trail.record_all([_audited(charge) for charge in made])
