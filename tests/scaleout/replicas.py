"""Two processes of every service against the same databases and broker, as replicas run.

Each replica is a whole :class:`~tests.e2e.processes.Suite` of five processes on ports of its
own; both read and write the same five databases and the same RabbitMQ vhost, and both
accounts sign with the same key (each replica's services fetch the JWKS from their own
accounts, as each pod would from the accounts Service). Replica 0 is started (and migrates)
first, replica 1 once it is ready, as a rollout after the migration Job would.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

import httpx

from ..e2e.processes import SERVICES, Suite

__all__ = ["REPLICAS", "Replicas"]

REPLICAS = 2


@dataclass
class Replicas:
    suites: list[Suite]
    databases: dict[str, str]

    @classmethod
    def at(cls, workdir: Path, databases: dict[str, str]) -> Replicas:
        return cls([Suite(workdir / f"replica-{n}") for n in range(REPLICAS)], databases)

    async def start(self, env_of: dict[int, dict[str, str]]) -> None:
        for n, suite in enumerate(self.suites):
            suite.workdir.mkdir(parents=True, exist_ok=True)
            suite.start(env_of[n])
            await suite.wait_ready()

    def stop(self) -> None:
        for suite in self.suites:
            suite.stop()

    def url(self, service: str, turn: int) -> str:
        """``service`` of replica ``turn`` (modulo the count): callers spread over both."""
        return self.suites[turn % len(self.suites)].url(service)

    async def move_clocks(self, http: httpx.AsyncClient, now: str) -> None:
        """Every process's clock at once, so the jobs a move runs race in both replicas;
        answered once each process ran them."""
        answers = await asyncio.gather(*(
            http.put(f"{suite.url(service)}/v1/test/clock", json={"now": now},
                     params={"wait": "true"}, timeout=300)
            for suite in self.suites for service in SERVICES))
        assert all(a.status_code == 200 for a in answers), [a.text for a in answers]

    def logged(self, service: str, event: str) -> list[int]:
        """How many log lines of ``service`` name ``event``, replica by replica."""
        return [(suite.workdir / f"{service}.log").read_text(errors="replace").count(f'"{event}"')
                for suite in self.suites]

    def logs(self) -> str:
        return "\n".join(f"--- {s.workdir.name} {service}\n{s.log(service)}"
                         for s in self.suites for service in SERVICES)
