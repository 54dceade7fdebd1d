"""CPU time of processes, read from Linux ``/proc``, for benchmarks that say where time goes.

On a shared machine a wall-clock rate follows the load; the CPU each process spends on a piece
of work does not, so benchmarks print it beside their rates.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

__all__ = ["cpu_seconds", "family_cpu_seconds", "server_cpu_seconds"]

SERVERS = {"postgres": "postgresql", "beam.smp": "rabbitmq"}
"""Executable names of the servers, and what they are called in figures."""


def _stat(pid: int | str) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()


def _ticks(fields: list[str]) -> float:
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User and system CPU that process ``pid`` has used so far."""
    return _ticks(_stat(pid))


def _server_of(pid: str) -> str | None:
    try:
        name = Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return None
    return next((server for prefix, server in SERVERS.items() if name.startswith(prefix)), None)


def server_cpu_seconds() -> dict[str, float]:
    """CPU used so far by every PostgreSQL and RabbitMQ process of the machine, per server,
    with that of the processes they have reaped: a PostgreSQL backend that ends hands its time
    to the postmaster, so a connection closed between two readings still counts."""
    used = dict.fromkeys(SERVERS.values(), 0.0)
    for pid in filter(str.isdigit, os.listdir("/proc")):
        if server := _server_of(pid):
            used[server] += _with_reaped(int(pid))
    return used


def _parent(pid: str) -> int:
    with contextlib.suppress(OSError):
        return int(_stat(pid)[1])
    return 0


def _with_reaped(pid: int) -> float:
    """CPU of ``pid`` and of the children it has waited for."""
    with contextlib.suppress(OSError):
        fields = _stat(pid)
        return (sum(int(f) for f in fields[11:15])) / os.sysconf("SC_CLK_TCK")
    return 0.0


def family_cpu_seconds(pid: int) -> float:
    """CPU of ``pid``, of its live descendants (a worker pool) and of those they reaped."""
    parents = {int(child): _parent(child) for child in filter(str.isdigit, os.listdir("/proc"))}
    family, more = {pid}, {pid}
    while more:
        more = {child for child, parent in parents.items() if parent in more}
        family |= more
    return sum(_with_reaped(member) for member in family)
