"""The allowances the packages on lines bring, for the buckets of a batch being rated."""

from __future__ import annotations

from collections.abc import Mapping

from rating.domain.allowances import Grant
from rating.domain.lines import Line
from rating.service.ports import UnitOfWork

__all__ = ["line_grants"]


async def line_grants(uow: UnitOfWork, lines: Mapping[str, Line]) -> dict[str, list[Grant]]:
    """Each line's packages with allowances (lines without any are left out): two statements."""
    connections = {msisdn: line.connected_at for msisdn, line in lines.items()}
    uses = await uow.packages.uses_under(connections) if connections else {}
    codes = {use.code for held in uses.values() for use in held}
    catalogue = await uow.packages.of_codes(codes) if codes else {}
    grants: dict[str, list[Grant]] = {}
    for msisdn, held in uses.items():
        for use in held:
            package = catalogue.get(use.code)
            if package is not None and package.allowances:
                grants.setdefault(msisdn, []).append(
                    Grant(use.code, use.started_at, use.ended_at, package.allowances))
    return grants
