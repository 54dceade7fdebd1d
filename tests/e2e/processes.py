"""The five services as real processes on free ports, for the end-to-end tests."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import httpx

__all__ = ["SERVICES", "Suite", "free_port"]

SERVICES = ("accounts", "rating", "invoicing", "payments", "notifications")
CLIENTS = (
    '{"operator": {"secret": "operator-secret", "role": "operator"},'
    ' "partner": {"secret": "partner-secret", "role": "partner"},'
    ' "notifications": {"secret": "notifications-secret", "role": "operator"},'
    ' "invoicing": {"secret": "invoicing-secret", "role": "operator"}}'
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Suite:
    """Started service processes and where they listen."""

    workdir: Path
    ports: dict[str, int] = field(default_factory=lambda: {s: free_port() for s in SERVICES})
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def environment(
        self, databases: dict[str, str], amqp_url: str, key_file: Path, smtp_port: int
    ) -> dict[str, str]:
        """Accounts signs with ``key_file``; the others fetch its JWKS, as deployed."""
        env = dict(
            os.environ,
            TARIFA_AMQP_URL=amqp_url,
            ACCOUNTS_JWT_KEY_FILE=str(key_file),
            TARIFA_JWKS_URL=f"{self.url('accounts')}/.well-known/jwks.json",
            TARIFA_TEST_MODE="true",
            TARIFA_LOG_JSON="true",
            # a process that never gets ready prints its threads' stacks when aborted
            PYTHONFAULTHANDLER="1",
            ACCOUNTS_CLIENTS=CLIENTS,
            NOTIFICATIONS_SMTP_HOST="127.0.0.1",
            NOTIFICATIONS_SMTP_PORT=str(smtp_port),
            NOTIFICATIONS_INVOICING_URL=self.url("invoicing"),
            NOTIFICATIONS_ACCOUNTS_URL=self.url("accounts"),
            NOTIFICATIONS_CLIENT_SECRET="notifications-secret",
            INVOICING_DOCUMENTS_DIR=str(self.workdir / "documents"),
            INVOICING_RATING_URL=self.url("rating"),
            INVOICING_ACCOUNTS_URL=self.url("accounts"),
            INVOICING_CLIENT_SECRET="invoicing-secret",
        )
        for service in SERVICES:
            env[f"{service.upper()}_PORT"] = str(self.ports[service])
            env[f"{service.upper()}_DATABASE_URL"] = databases[service]
            # a test's processes (two suites of them when scaled out) stay well inside the
            # server's max_connections
            env[f"{service.upper()}_DB_POOL_SIZE"] = "4"
        return env

    def start(self, env: dict[str, str]) -> None:
        for service in SERVICES:
            log = (self.workdir / f"{service}.log").open("wb")
            self.processes[service] = subprocess.Popen(
                [sys.executable, "-m", service, "serve"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    async def wait_ready(self, timeout: float = 150) -> None:
        async with httpx.AsyncClient() as client:
            for service in SERVICES:
                await self._ready(client, service, timeout)

    async def _ready(self, client: httpx.AsyncClient, service: str, timeout: float) -> None:
        for _ in range(int(timeout * 4)):
            if self.processes[service].poll() is not None:
                raise RuntimeError(f"{service} exited:\n{self.log(service)}")
            try:
                if (await client.get(f"{self.url(service)}/health/ready")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.25)
        await self._abort(service)
        raise RuntimeError(f"{service} not ready in {timeout:.0f} s:\n{self.log(service)}")

    async def _abort(self, service: str) -> None:
        """SIGABRT: the stalled process's stacks land in its log (PYTHONFAULTHANDLER)."""
        process = self.processes[service]
        process.send_signal(signal.SIGABRT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            await asyncio.to_thread(process.wait, 10)

    def log(self, service: str) -> str:
        return (self.workdir / f"{service}.log").read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
