"""What ``make run`` starts: the five services as child processes, in the foreground.

Beside them run the sandbox card gateway (8010) and the self-care cabinet (8006), whose web app
is built first when its sources changed (``python -m selfcare build``: ``npm ci`` only without
``node_modules``, then Vite); the services answer CORS for the cabinet's origin.

Every setting comes from the environment (``.env.example`` lists them with their defaults), so
a second copy can run beside the first with other ports and databases. Each service creates and
migrates its own database on start (``python -m <service> serve``). Output is prefixed with the
service's name. Ctrl-C or SIGTERM stops every service; if one dies, the others are stopped and
the exit status is non-zero.

Usage: ``python deploy/local/run.py [service ...]`` (default: all five).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO

SERVICES = {"accounts": 8001, "rating": 8002, "invoicing": 8003, "payments": 8004,
            "notifications": 8005, "selfcare": 8006, "gateway": 8010}
# The sandbox card gateway lives in the payments package; the services run their ``serve``.
MODULES = {"gateway": ["payments.sandbox"]}
DEV_GATEWAY_SECRET = "tarifa-local-sandbox-webhook-secret"
DEV_CLIENTS = ('{"operator":{"secret":"operator-secret","role":"operator"},'
               '"partner":{"secret":"partner-secret","role":"partner"},'
               '"mediation":{"secret":"mediation-secret","role":"mediation"},'
               '"notifications":{"secret":"notifications-secret","role":"operator"},'
               '"invoicing":{"secret":"invoicing-secret","role":"operator"}}')
GRACE_SECONDS = 15.0
ROOT = Path(__file__).resolve().parents[2]
_print_lock = threading.Lock()


def say(text: str) -> None:
    with _print_lock:
        print(f"{'run':<13} | {text}", flush=True)


def environment() -> dict[str, str]:
    """The children's environment: the caller's, with the local defaults of ``make run``."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    if not env.get("ACCOUNTS_CLIENTS"):
        say("WARNING: ACCOUNTS_CLIENTS is not set; using local development clients with known "
            "secrets. Never run like this outside your own machine.")
        env["ACCOUNTS_CLIENTS"] = DEV_CLIENTS
        env.setdefault("NOTIFICATIONS_CLIENT_SECRET", "notifications-secret")
        env.setdefault("INVOICING_CLIENT_SECRET", "invoicing-secret")
    for service in SERVICES:
        env.setdefault(f"{service.upper()}_PORT", str(SERVICES[service]))
    accounts = f"http://127.0.0.1:{env['ACCOUNTS_PORT']}"
    env.setdefault("TARIFA_JWKS_URL", f"{accounts}/.well-known/jwks.json")
    env.setdefault("NOTIFICATIONS_ACCOUNTS_URL", accounts)
    env.setdefault("NOTIFICATIONS_INVOICING_URL", f"http://127.0.0.1:{env['INVOICING_PORT']}")
    env.setdefault("INVOICING_ACCOUNTS_URL", accounts)
    env.setdefault("INVOICING_RATING_URL", f"http://127.0.0.1:{env['RATING_PORT']}")
    cabinet = env["SELFCARE_PORT"]
    env.setdefault("TARIFA_CORS_ORIGINS", f"http://127.0.0.1:{cabinet},http://localhost:{cabinet}")
    _sandbox_gateway(env)
    return env


def _sandbox_gateway(env: dict[str, str]) -> None:
    """Payments and the sandbox gateway share one webhook secret and know each other's URLs."""
    secret = env.get("GATEWAY_WEBHOOK_SECRET") or env.get("PAYMENTS_GATEWAY_WEBHOOK_SECRET")
    env["GATEWAY_WEBHOOK_SECRET"] = env["PAYMENTS_GATEWAY_WEBHOOK_SECRET"] = (
        secret or DEV_GATEWAY_SECRET)
    gateway = f"http://127.0.0.1:{env['GATEWAY_PORT']}"
    env.setdefault("GATEWAY_PUBLIC_URL", gateway)
    env.setdefault("PAYMENTS_GATEWAY_URL", gateway)
    env.setdefault("PAYMENTS_PUBLIC_URL", f"http://127.0.0.1:{env['PAYMENTS_PORT']}")


def command(name: str) -> list[str]:
    return [sys.executable, "-m", *MODULES.get(name, [name, "serve"])]


def missing_packages(services: Sequence[str]) -> list[str]:
    modules = [(s, MODULES.get(s, [s])[0]) for s in services]
    return [s for s, module in modules if importlib.util.find_spec(module.split(".")[0]) is None
            or importlib.util.find_spec(f"{module}.__main__") is None]


def _pump(name: str, stream: IO[bytes]) -> None:
    """Copy a child's output line by line, each line prefixed with the service's name."""
    for raw in iter(stream.readline, b""):
        line = raw.decode(errors="replace").rstrip("\n")
        with _print_lock:
            print(f"{name:<13} | {line}", flush=True)
    stream.close()


@dataclass
class Supervisor:
    """Starts the services, watches them, and stops all of them together."""

    env: dict[str, str]
    children: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    stopping: bool = False

    def start(self, services: Sequence[str]) -> None:
        for name in services:
            child = subprocess.Popen(
                command(name), env=self.env, stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
            self.children[name] = child
            assert child.stdout is not None
            threading.Thread(target=_pump, args=(name, child.stdout), daemon=True).start()
            say(f"{name} (pid {child.pid}) on http://{self._host(name)}:"
                f"{self.env[f'{name.upper()}_PORT']}")

    def _host(self, name: str) -> str:
        return self.env.get(f"{name.upper()}_HOST", "127.0.0.1")

    def on_signal(self, signum: int, _frame: FrameType | None) -> None:
        already, self.stopping = self.stopping, True
        if not already:
            say(f"{signal.Signals(signum).name}: stopping the services")

    def first_dead(self) -> tuple[str, int] | None:
        for name, child in self.children.items():
            code = child.poll()
            if code is not None:
                return name, code
        return None

    def watch(self) -> int:
        """Wait for a signal (exit 0) or a service's death (exit non-zero)."""
        while not self.stopping:
            dead = self.first_dead()
            if dead is not None:
                say(f"{dead[0]} exited with status {dead[1]}; stopping the others")
                return dead[1] if dead[1] > 0 else 1
            time.sleep(0.2)
        return 0

    def stop_all(self) -> None:
        """SIGTERM each running child by its PID, then SIGKILL those that outlive the grace."""
        running = [c for c in self.children.values() if c.poll() is None]
        for child in running:
            child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        for child in running:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                say(f"pid {child.pid} did not stop in {GRACE_SECONDS:.0f}s; killing it")
                child.kill()
                child.wait()


def _build_cabinet() -> None:
    """The cabinet's web app, rebuilt when a source is newer than the last build."""
    say("building the self-care cabinet (services/selfcare/web)")
    subprocess.run([sys.executable, "-m", "selfcare", "build"], check=True)


def _cabinet_config(env: dict[str, str]) -> None:
    """Unless SELFCARE_CONFIG_FILE names one: the built config.json with this run's API ports."""
    if env.get("SELFCARE_CONFIG_FILE"):
        return
    config = json.loads((ROOT / "services/selfcare/web/public/config.json").read_text())
    config["api"] = {name: f"http://127.0.0.1:{env[f'{name.upper()}_PORT']}"
                     for name in ("accounts", "rating", "invoicing", "payments", "notifications")}
    path = ROOT / "var" / "selfcare" / "config.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(config, indent=2, ensure_ascii=False))
    env["SELFCARE_CONFIG_FILE"] = str(path)


def parse_args(argv: Sequence[str] | None) -> list[str]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("services", nargs="*", metavar="service",
                        help=f"which services to run (default: all of {', '.join(SERVICES)})")
    chosen: list[str] = parser.parse_args(argv).services
    unknown = sorted(set(chosen) - set(SERVICES))
    if unknown:
        parser.error(f"unknown service {', '.join(unknown)}; choose from {', '.join(SERVICES)}")
    return chosen or list(SERVICES)


def main(argv: Sequence[str] | None = None) -> int:
    services = parse_args(argv)
    missing = missing_packages(services)
    if missing:
        say(f"cannot start {', '.join(missing)}: no such package in this environment. "
            "Run `make install` (uv sync), or name the services to run: "
            f"python deploy/local/run.py {' '.join(s for s in services if s not in missing)}")
        return 2
    env = environment()
    if "selfcare" in services:
        _build_cabinet()
        _cabinet_config(env)
    supervisor = Supervisor(env)
    signal.signal(signal.SIGINT, supervisor.on_signal)
    signal.signal(signal.SIGTERM, supervisor.on_signal)
    try:
        supervisor.start(services)
        status = supervisor.watch()
    finally:
        supervisor.stop_all()
    say("all services stopped")
    return status


if __name__ == "__main__":
    sys.exit(main())
