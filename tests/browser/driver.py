"""Driving the cabinet in the browser: logging in with the SMS code, axe-core, screenshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect
from selfcare.build import WEB

from .stack import Cabinet
from .world import Person

__all__ = ["DESKTOP", "PHONE", "accessibility_violations", "log_in", "shoot"]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
AXE = WEB / "node_modules" / "axe-core" / "axe.min.js"
SEVERE = ("serious", "critical")


def log_in(page: Page, cabinet: Cabinet, person: Person) -> None:
    """Ask for a code, read it from the SMSC, type it: the overview shows."""
    page.goto(cabinet.origin)
    page.get_by_label("Phone number").fill(person.msisdn)
    before = len(cabinet.smsc.to(person.msisdn))
    page.get_by_role("button", name="Send me a code").click()
    expect(page.get_by_text("We sent a code by SMS")).to_be_visible()
    page.get_by_label("Code from the SMS").fill(cabinet.code_for(person.msisdn, before))
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_test_id("balance")).to_be_visible()


def accessibility_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations of the page as it is now."""
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' '))}))")
    return [v for v in found if v["impact"] in SEVERE]


def shoot(page: Page, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 1000
    return path
