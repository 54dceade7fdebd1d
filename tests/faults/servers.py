"""A PostgreSQL cluster and a RabbitMQ node of the fault suite's own, to stop and kill at will.

Both listen on free ports of their own, under names of their own (``faults_<hex>``,
``tarifa-faults-<hex>@localhost``), so stopping them never touches the shared servers on 5432
and 5672 nor another run of this suite. The cluster is made with ``pg_createcluster`` and
dropped at the end; the node keeps its data, logs, cookie and configuration in a temporary
folder, runs with no plugins and is ended by the process id it was started as.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["PostgresCluster", "RabbitNode", "free_port", "servers_installed"]

RABBITMQ_SERVER = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")
RABBITMQCTL = Path("/usr/lib/rabbitmq/bin/rabbitmqctl")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _wait_port(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not _answers(port):
        if time.monotonic() > deadline:
            raise TimeoutError(f"nothing answers on port {port}")
        time.sleep(0.1)


def _postgres_version() -> str | None:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
    return versions[-1].parts[-3] if versions else None


def servers_installed() -> bool:
    """Whether this machine can run a cluster and a node of the suite's own."""
    tools = ("pg_createcluster", "pg_ctlcluster", "pg_dropcluster")
    return (all(shutil.which(t) for t in tools) and _postgres_version() is not None
            and os.access("/etc/postgresql", os.W_OK)  # pg_createcluster registers it there
            and RABBITMQ_SERVER.exists())


@dataclass
class PostgresCluster:
    """A throwaway cluster; fsync off, since only the server process is ever stopped."""

    name: str = field(default_factory=lambda: f"faults_{uuid.uuid4().hex[:8]}")
    port: int = field(default_factory=free_port)
    version: str = field(default_factory=lambda: _postgres_version() or "")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}"

    def create(self) -> None:
        subprocess.run(
            ["pg_createcluster", self.version, self.name, "-p", str(self.port),
             "--start-conf=manual", "-o", "fsync=off", "-o", "full_page_writes=off",
             "-o", "max_connections=200", "--", "--auth=trust"],
            check=True, capture_output=True, timeout=120)
        self.start()

    def _ctl(self, *args: str) -> None:
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.name,
                        *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self._ctl("start")
        _wait_port(self.port, 60)

    def stop_immediately(self) -> None:
        """Stop as a crash would: no checkpoint, every connection cut."""
        self._ctl("stop", "-m", "immediate")

    def drop(self) -> None:
        subprocess.run(["pg_dropcluster", self.version, self.name, "--stop"],
                       capture_output=True, timeout=120)


@dataclass
class RabbitNode:
    """A single RabbitMQ node in ``base``; ``kill`` ends it with SIGKILL, ``start`` again."""

    base: Path
    name: str = field(default_factory=lambda: f"tarifa-faults-{uuid.uuid4().hex[:8]}@localhost")
    port: int = field(default_factory=free_port)
    dist_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def _environment(self) -> dict[str, str]:
        (self.base / "rabbitmq.conf").write_text(
            f"listeners.tcp.local = 127.0.0.1:{self.port}\n")
        (self.base / "enabled_plugins").write_text("[].\n")
        (self.base / "rabbitmq-env.conf").write_text("")
        return dict(
            os.environ, HOME=str(self.base), RABBITMQ_NODENAME=self.name,
            RABBITMQ_NODE_PORT=str(self.port), RABBITMQ_DIST_PORT=str(self.dist_port),
            RABBITMQ_MNESIA_BASE=str(self.base / "mnesia"), RABBITMQ_LOG_BASE=str(self.base / "log"),
            RABBITMQ_CONFIG_FILE=str(self.base / "rabbitmq.conf"),
            RABBITMQ_ENABLED_PLUGINS_FILE=str(self.base / "enabled_plugins"),
            RABBITMQ_CONF_ENV_FILE=str(self.base / "rabbitmq-env.conf"),
            RABBITMQ_PID_FILE=str(self.base / "node.pid"), ERL_EPMD_ADDRESS="127.0.0.1",
            # the script then execs the Erlang VM, so the process started is the node itself
            RUNNING_UNDER_SYSTEMD="1",
        )

    def start(self, timeout: float = 90) -> None:
        self.base.mkdir(parents=True, exist_ok=True)
        log = (self.base / "node.log").open("ab")
        self.process = subprocess.Popen([str(RABBITMQ_SERVER)], env=self._environment(),
                                        stdout=log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL)
        try:
            _wait_port(self.port, timeout)
            self.ctl("await_startup", timeout=timeout)
        except BaseException:
            self.stop()
            raise

    def ctl(self, *args: str, timeout: float = 60) -> str:
        done = subprocess.run([str(RABBITMQCTL), "-q", "-n", self.name, *args],
                              env=self._environment(), capture_output=True, timeout=timeout,
                              check=True)
        return done.stdout.decode()

    def queue_depths(self) -> dict[str, int]:
        rows = self.ctl("list_queues", "name", "messages", "--no-table-headers").splitlines()
        return {name: int(count) for name, count in (row.split("\t") for row in rows if row)}

    def kill(self) -> None:
        """End the node as a crash would (SIGKILL to the VM it was started as)."""
        assert self.process is not None, "node not started"
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
