"""The five services, the sandbox card gateway and the cabinet as processes, and an SMSC.

The asynchronous parts (databases, readiness, the SMSC simulator, API calls that prepare the
accounts) run on an event loop of their own thread, so the synchronous Playwright tests never
share a loop with them.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
from notifications.adapters.smsc_simulator import SmscSimulator

from ..e2e.processes import SERVICES, Suite, free_port

__all__ = ["Cabinet", "LoopThread"]

T = TypeVar("T")
WEBHOOK_SECRET = "browser-tests-sandbox-webhook-secret"
EXTRA = {"gateway": ["payments.sandbox"], "selfcare": ["selfcare", "serve"]}
READY = {"gateway": "/health/live", "selfcare": "/config.json"}


class LoopThread:
    """An event loop running in a daemon thread; ``run`` waits for a coroutine's result."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 180) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


@dataclass
class Cabinet(Suite):
    """The suite of the end-to-end tests, with the gateway, the cabinet and an SMSC beside it."""

    smsc: SmscSimulator = field(default_factory=lambda: SmscSimulator(port=free_port()))

    def __post_init__(self) -> None:
        self.ports.update(gateway=free_port(), selfcare=free_port())

    @property
    def origin(self) -> str:
        return self.url("selfcare")

    def cabinet_environment(self, base: dict[str, str]) -> dict[str, str]:
        """What the services need for the browser: CORS, the SMSC, the card gateway."""
        return base | {
            "TARIFA_CORS_ORIGINS": self.origin,
            "NOTIFICATIONS_SMPP_PORT": str(self.smsc.port),
            "NOTIFICATIONS_SMPP_RECONNECT_INTERVAL": "0.2",
            "ACCOUNTS_OTP_PER_NUMBER": "100", "ACCOUNTS_OTP_PER_CLIENT": "1000",
            "PAYMENTS_GATEWAY_URL": self.url("gateway"),
            "PAYMENTS_GATEWAY_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "PAYMENTS_PUBLIC_URL": self.url("payments"),
            "GATEWAY_PORT": str(self.ports["gateway"]), "GATEWAY_PUBLIC_URL": self.url("gateway"),
            "GATEWAY_WEBHOOK_SECRET": WEBHOOK_SECRET, "GATEWAY_WEBHOOK_BACKOFF": "0.2",
            "SELFCARE_PORT": str(self.ports["selfcare"]),
            "SELFCARE_CONFIG_FILE": str(self.write_config()),
        }

    def write_config(self) -> Path:
        """The operator's config.json, naming the APIs on this run's ports."""
        path = self.workdir / "config.json"
        path.write_text(json.dumps({
            "operator": "Moldtelecom Test", "logo": "logo.svg", "defaultLanguage": "en",
            "languages": ["ro", "ru", "en"], "colors": {"primary": "#7a1f8f"},
            "api": {service: self.url(service) for service in SERVICES},
            "suspensionMaxDays": 60,
            "plans": ["BROWSER", "BROWSERPLUS"], "detailedBillFees": {"MDL": "50.00"},
        }))
        return path

    def start_extra(self, env: dict[str, str]) -> None:
        for name, module in EXTRA.items():
            log = (self.workdir / f"{name}.log").open("wb")
            self.processes[name] = subprocess.Popen(
                [sys.executable, "-m", *module], env=env, stdout=log, stderr=subprocess.STDOUT)

    async def wait_extra(self, timeout: float = 60) -> None:
        async with httpx.AsyncClient() as client:
            for name, path in READY.items():
                await self._answers(client, name, path, timeout)

    async def _answers(self, client: httpx.AsyncClient, name: str, path: str,
                       timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.processes[name].poll() is not None:
                raise RuntimeError(f"{name} exited:\n{self.log(name)}")
            try:
                if (await client.get(f"{self.url(name)}{path}")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.25)
        raise RuntimeError(f"{name} not ready:\n{self.log(name)}")

    def code_for(self, msisdn: str, after: int, timeout: float = 20) -> str:
        """The one-time code of the first SMS to ``msisdn`` beyond the ``after`` it had."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            messages = self.smsc.to(msisdn)
            if len(messages) > after:
                found = re.search(r"\b(\d{4,8})\b", messages[after].text)
                assert found, messages[after].text
                return found.group(1)
            time.sleep(0.1)
        raise AssertionError(f"no SMS to {msisdn} after {after}:\n{self.log('notifications')}")
