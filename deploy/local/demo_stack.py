"""What ``make demo`` runs on: the five services and the sandbox card gateway as processes in
test mode (their clocks can be moved), on free ports and their own databases (tarifa_demo_*),
with a mail catcher and an SMSC simulator beside them. Logs go to ``<folder>/logs``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import asyncpg
import httpx
from mailcatcher import MailCatcher
from notifications.adapters.smsc_simulator import SmscSimulator

__all__ = ["SERVICES", "DemoStack"]

SERVICES = ("accounts", "rating", "invoicing", "payments", "notifications")
CLIENTS = ('{"operator":{"secret":"operator-secret","role":"operator"},'
           '"partner":{"secret":"partner-secret","role":"partner"},'
           '"notifications":{"secret":"notifications-secret","role":"operator"},'
           '"invoicing":{"secret":"invoicing-secret","role":"operator"}}')
WEBHOOK_SECRET = "tarifa-demo-sandbox-webhook-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class DemoStack:
    folder: Path
    database_server: str
    amqp_url: str
    prefix: str = "tarifa_demo"
    ports: dict[str, int] = field(default_factory=lambda: {
        s: free_port() for s in (*SERVICES, "gateway")})
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    smsc: SmscSimulator = field(default_factory=lambda: SmscSimulator(port=free_port()))
    mail: MailCatcher | None = None

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def database(self, service: str) -> str:
        return f"{self.database_server}/{self.prefix}_{service}"

    def environment(self) -> dict[str, str]:
        assert self.mail is not None
        env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONFAULTHANDLER="1", TARIFA_TEST_MODE="true",
                   TARIFA_AMQP_URL=self.amqp_url, ACCOUNTS_CLIENTS=CLIENTS,
                   ACCOUNTS_JWT_KEY_FILE=str(self.folder / "keys" / "jwt-signing-key.pem"),
                   TARIFA_JWKS_URL=f"{self.url('accounts')}/.well-known/jwks.json",
                   ACCOUNTS_OTP_PER_NUMBER="100", ACCOUNTS_OTP_PER_CLIENT="1000",
                   NOTIFICATIONS_SMTP_HOST="127.0.0.1", NOTIFICATIONS_SMTP_PORT=str(self.mail.smtp_port),
                   NOTIFICATIONS_SMPP_HOST="127.0.0.1", NOTIFICATIONS_SMPP_PORT=str(self.smsc.port),
                   NOTIFICATIONS_SMPP_RECONNECT_INTERVAL="0.2",
                   NOTIFICATIONS_INVOICING_URL=self.url("invoicing"),
                   NOTIFICATIONS_ACCOUNTS_URL=self.url("accounts"),
                   NOTIFICATIONS_CLIENT_SECRET="notifications-secret",
                   INVOICING_DOCUMENTS_DIR=str(self.folder / "documents"),
                   INVOICING_RATING_URL=self.url("rating"),
                   INVOICING_ACCOUNTS_URL=self.url("accounts"),
                   INVOICING_CLIENT_SECRET="invoicing-secret")
        return env | self._gateway() | {
            f"{s.upper()}_{key}": value for s in SERVICES
            for key, value in (("PORT", str(self.ports[s])), ("DATABASE_URL", self.database(s)))}

    def _gateway(self) -> dict[str, str]:
        return {"PAYMENTS_GATEWAY_URL": self.url("gateway"), "PAYMENTS_PUBLIC_URL": self.url("payments"),
                "PAYMENTS_GATEWAY_WEBHOOK_SECRET": WEBHOOK_SECRET, "GATEWAY_WEBHOOK_SECRET": WEBHOOK_SECRET,
                "GATEWAY_PORT": str(self.ports["gateway"]), "GATEWAY_PUBLIC_URL": self.url("gateway"),
                "GATEWAY_WEBHOOK_BACKOFF": "0.2"}

    async def fresh_databases(self) -> None:
        """The demo's databases dropped: each service creates and migrates its own at start."""
        connection = await asyncpg.connect(f"{self.database_server}/postgres")
        try:
            for service in SERVICES:
                await connection.execute(
                    f'DROP DATABASE IF EXISTS "{self.prefix}_{service}" WITH (FORCE)')
        finally:
            await connection.close()

    async def start(self, mail_ports: tuple[int, int]) -> None:
        (self.folder / "logs").mkdir(parents=True, exist_ok=True)
        self.mail = MailCatcher(self.folder / "mail", *mail_ports)
        self.mail.start()
        await self.smsc.start()
        await self.fresh_databases()
        self._spawn(self.environment())
        await self._ready()

    def _spawn(self, env: dict[str, str]) -> None:
        for name in (*SERVICES, "gateway"):
            module = ["payments.sandbox"] if name == "gateway" else [name, "serve"]
            self.processes[name] = subprocess.Popen(
                [sys.executable, "-m", *module], env=env, stdin=subprocess.DEVNULL,
                stdout=self._log(name), stderr=subprocess.STDOUT, start_new_session=True)

    def _log(self, name: str) -> IO[bytes]:
        return (self.folder / "logs" / f"{name}.log").open("wb")

    async def _ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient() as http:
            for name in self.processes:
                path = "/health/live" if name == "gateway" else "/health/ready"
                while not await self._answers(http, name, path):
                    if time.monotonic() > deadline or self.processes[name].poll() is not None:
                        raise RuntimeError(self._stalled(name))
                    await asyncio.sleep(0.25)

    def _stalled(self, name: str) -> str:
        """Why ``name`` did not start: its log's end, with its threads' stacks if it still ran
        (SIGABRT makes a process with PYTHONFAULTHANDLER print them)."""
        process = self.processes[name]
        if process.poll() is None:
            process.send_signal(signal.SIGABRT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(10)
        log = (self.folder / "logs" / f"{name}.log").read_text(errors="replace")[-4000:]
        return f"{name} did not start; {self.folder}/logs/{name}.log ends:\n{log}"

    async def _answers(self, http: httpx.AsyncClient, name: str, path: str) -> bool:
        try:
            return (await http.get(f"{self.url(name)}{path}")).status_code == 200
        except httpx.TransportError:
            return False

    async def stop(self) -> None:
        """SIGTERM each child by its PID, SIGKILL those still running after 15 s."""
        running = [p for p in self.processes.values() if p.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        for process in running:
            try:
                await asyncio.to_thread(process.wait, 15)
            except subprocess.TimeoutExpired:
                process.kill()
        await self.smsc.stop()
        if self.mail is not None:
            self.mail.stop()

    async def move_clocks(self, http: httpx.AsyncClient, now: str) -> None:
        for service in SERVICES:
            moved = await http.put(f"{self.url(service)}/v1/test/clock?wait=true",
                                   json={"now": now})
            if moved.status_code != 200:
                raise RuntimeError(f"{service} kept its clock: {moved.text}")
