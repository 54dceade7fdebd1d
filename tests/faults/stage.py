"""The servers and services a fault scenario runs against."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass

from ..e2e.processes import Suite
from .servers import PostgresCluster, RabbitNode
from .tap import EventTap

__all__ = ["Stage"]


@dataclass
class Stage:
    """The servers, the running services and how to reach their databases."""

    cluster: PostgresCluster
    node: RabbitNode
    suite: Suite
    env: dict[str, str]
    databases: dict[str, str]
    tap: EventTap

    def logged(self, event: str) -> int:
        """How many log lines of all the services name ``event`` so far."""
        return sum(path.read_text(errors="replace").count(f'"{event}"')
                   for path in self.suite.workdir.glob("*.log"))

    def restart(self, service: str) -> None:
        """Start ``service`` again (after it was killed), logging to the same file."""
        log = (self.suite.workdir / f"{service}.log").open("ab")
        self.suite.processes[service] = subprocess.Popen(
            [sys.executable, "-m", service, "serve"], env=self.env, stdout=log,
            stderr=subprocess.STDOUT)
