"""Three RabbitMQ nodes of the fault suite's own, joined in one cluster, on this machine.

Each node is a :class:`~tests.faults.servers.RabbitNode` (its own node name, AMQP and
distribution ports, data, logs and configuration in a folder of its own, no plugins, so no
management listener); they share one Erlang cookie written in each node's ``HOME`` before it
starts, and nodes 2 and 3 join node 1 with ``rabbitmqctl join_cluster``. The shared broker
(``rabbit@<host>`` on 5672) is never named, so never touched. A node is killed by the process
id it was started as.
"""

from __future__ import annotations

import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .servers import RABBITMQ_SERVER, RabbitNode

__all__ = ["ClusterNode", "RabbitCluster", "cluster_installed"]


def cluster_installed() -> bool:
    return RABBITMQ_SERVER.exists() and shutil.which("erl") is not None


class ClusterNode(RabbitNode):
    """A node whose distribution port (node to node, and ``rabbitmqctl``) is bound on the
    loopback interface only."""

    def _environment(self) -> dict[str, str]:
        return super()._environment() | {
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}"}


@dataclass
class RabbitCluster:
    base: Path
    size: int = 3
    cookie: str = field(default_factory=lambda: secrets.token_hex(16).upper())
    nodes: list[RabbitNode] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.nodes = [ClusterNode(self.base / f"node-{n}") for n in range(self.size)]

    def _cookie(self, node: RabbitNode) -> None:
        node.base.mkdir(parents=True, exist_ok=True)
        path = node.base / ".erlang.cookie"
        path.write_text(self.cookie)
        path.chmod(0o400)

    def start(self) -> None:
        """Start every node, then join the others to the first one."""
        for node in self.nodes:
            self._cookie(node)
            node.start()
        first = self.nodes[0]
        for node in self.nodes[1:]:
            node.ctl("stop_app")
            node.ctl("join_cluster", first.name, timeout=120)
            node.ctl("start_app", timeout=120)
            node.ctl("await_startup", timeout=120)

    def running(self, witness: RabbitNode) -> set[str]:
        """The names of the nodes the cluster sees running, as ``witness`` tells."""
        status = witness.ctl("eval", "rabbit_nodes:all_running().")
        return {name for node in self.nodes if (name := node.name) in status}

    def leader(self, queue: str) -> RabbitNode:
        """The node leading quorum queue ``queue``."""
        rows = self.nodes[0].ctl("list_queues", "name", "leader", "--no-table-headers")
        leaders = dict(row.split("\t") for row in rows.splitlines() if row)
        return next(node for node in self.nodes if node.name == leaders[queue])

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()
