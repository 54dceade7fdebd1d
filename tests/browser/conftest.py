"""Browser tests of the self-care cabinet: Debian's Chromium through pytest-playwright against
the five services, the sandbox card gateway and the cabinet run as processes.

Playwright's synchronous API leaves its event loop marked as running in this thread while it
is started, so its fixtures live for this package only: the asynchronous tests that run after
it find no loop running. The services run for this package only too.

Screenshots go to ``var/screenshots/selfcare`` (``SELFCARE_SCREENSHOTS`` moves them).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Browser, Playwright, sync_playwright
from selfcare.build import ensure_built
from tarifa.testing.servers import drop_database, new_database

from ..e2e.mail import MailBox
from ..e2e.processes import SERVICES, free_port
from .stack import Cabinet, LoopThread
from .world import Person, prepare

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("SELFCARE_SCREENSHOTS", ROOT / "var" / "screenshots" / "selfcare"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium: no browser is downloaded."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run deploy/local/system-packages (apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM)}


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    started = sync_playwright().start()
    yield started
    started.stop()


@pytest.fixture(scope="package")
def browser(playwright: Playwright, browser_type_launch_args: dict[str, Any]) -> Iterator[Browser]:
    launched = playwright.chromium.launch(**browser_type_launch_args)
    yield launched
    launched.close()


@pytest.fixture(scope="package")
def browser_context_args() -> dict[str, Any]:
    return {"accept_downloads": True, "locale": "en-GB"}


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="package")
def loop() -> Iterator[LoopThread]:
    thread = LoopThread()
    yield thread
    thread.close()


@pytest.fixture(scope="package")
def cabinet(tmp_path_factory: pytest.TempPathFactory, loop: LoopThread, database_server_url: str,
            amqp_url: str, jwt_key_file: Path) -> Iterator[Cabinet]:
    ensure_built()
    suite = Cabinet(Path(tmp_path_factory.mktemp("browser")))
    controller = Controller(MailBox(), hostname="127.0.0.1", port=free_port())
    controller.start()
    loop.run(suite.smsc.start())
    databases = {s: loop.run(new_database(database_server_url, f"t_browser_{s}")) for s in SERVICES}
    env = suite.cabinet_environment(suite.environment(databases, amqp_url, jwt_key_file,
                                                      controller.port))
    try:
        suite.start(env)
        suite.start_extra(env)
        loop.run(suite.wait_ready())
        loop.run(suite.wait_extra())
        yield suite
    finally:
        suite.stop()
        controller.stop()
        loop.run(suite.smsc.stop())
        for url in databases.values():
            loop.run(drop_database(url))


@pytest.fixture(scope="package")
def people(cabinet: Cabinet, loop: LoopThread) -> dict[str, Person]:
    async def made() -> dict[str, Person]:
        async with httpx.AsyncClient(timeout=30) as http:
            return await prepare(http, cabinet)

    return loop.run(made())
