"""Reading a service's ``/metrics`` in tests: every sample by name and labels, and sums of them."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from prometheus_client.parser import text_string_to_metric_families

__all__ = ["Scrape", "scrape"]


@dataclass(frozen=True)
class Scrape:
    samples: list[tuple[str, dict[str, str], float]]

    def total(self, name: str, **labels: str) -> float:
        """The sum of the samples of ``name`` whose labels include ``labels`` (0 when none)."""
        return sum(value for sample, found, value in self.samples
                   if sample == name and labels.items() <= found.items())

    def names(self) -> set[str]:
        return {sample for sample, _labels, _value in self.samples}


async def scrape(client: httpx.AsyncClient) -> Scrape:
    """GET ``/metrics`` (public) and parse the Prometheus text it answers."""
    answer = await client.get("/metrics")
    assert answer.status_code == 200, answer.text
    return Scrape([(s.name, dict(s.labels), s.value)
                   for family in text_string_to_metric_families(answer.text)
                   for s in family.samples])
