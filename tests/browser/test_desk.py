"""The cabinet's second round in Chromium against the real services: the account's language on
login, the payments API's limits on the pay page, the password changed, movements and payments
paged past the first page, and the operator's desk (find an account, see what its subscriber
sees).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from ..e2e.drive import token
from .driver import DESKTOP, PHONE, accessibility_violations, log_in, shoot
from .stack import Cabinet, LoopThread
from .world import CASH_PAYMENTS, Person, issue_login

expect.set_options(timeout=20_000)
NewContext = Callable[..., BrowserContext]


@pytest.fixture
def phone(new_context: NewContext) -> Page:
    return new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()


@pytest.fixture
def desktop(new_context: NewContext) -> Page:
    return new_context(viewport=DESKTOP).new_page()


def test_the_cabinet_opens_in_the_accounts_language_and_keeps_the_subscribers_pick(
        desktop: Page, cabinet: Cabinet, people: dict[str, Person]) -> None:
    log_in(desktop, cabinet, people["reader"])  # the login page is in the operator's English
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Мой счёт")
    assert desktop.evaluate("document.documentElement.lang") == "ru"
    desktop.get_by_label("Язык").select_option("en")
    expect(desktop.get_by_role("heading", level=1)).to_have_text("My account")
    desktop.get_by_role("button", name="Log out").click()
    log_in(desktop, cabinet, people["reader"])
    expect(desktop.get_by_role("heading", level=1)).to_have_text("My account")
    desktop.get_by_role("button", name="Log out").click()
    log_in(desktop, cabinet, people["debtor"])  # another account in its own language
    expect(desktop.get_by_role("link", name="Invoices")).to_be_visible()


def test_the_pay_page_shows_and_applies_the_payments_apis_limits(
        phone: Page, cabinet: Cabinet, people: dict[str, Person], loop: LoopThread) -> None:
    limits = loop.run(_limits(cabinet, "MDL"))
    advance, topup = limits["advance"], limits["topup"]
    log_in(phone, cabinet, people["saver"])
    phone.get_by_role("link", name="Pay").click()
    expect(phone.get_by_label("In advance")).to_be_checked()
    hint = phone.locator("#limits")
    expect(hint).to_have_text(f"From {advance['min']} to {advance['max']} MDL per payment.")
    phone.get_by_label("A top-up for a number").check()
    expect(hint).to_have_text(f"From {topup['min']} to {topup['max']} MDL per payment.")
    phone.get_by_label("Number to top up").fill(people["saver"].msisdn)
    phone.get_by_label("Amount (MDL)").fill(f"{float(topup['max']) + 0.01:.2f}")
    phone.get_by_role("button", name="Continue to the secure card page").click()
    expect(phone.get_by_role("alert")).to_have_text(
        f"From {topup['min']} to {topup['max']} MDL per payment.")
    assert phone.url.endswith("#/pay")


async def _limits(cabinet: Cabinet, currency: str) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=30) as http:
        op = await token(http, cabinet, "operator")
        answer = await http.get(f"{cabinet.url('payments')}/v1/payment-limits",
                                params={"currency": currency}, headers=op)
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def test_a_subscriber_changes_its_password_with_the_current_one(
        desktop: Page, cabinet: Cabinet, people: dict[str, Person], loop: LoopThread,
        screenshots: Path) -> None:
    traveller = people["traveller"]
    loop.run(_password_set(cabinet, traveller.account_id, "traveller.browser", "first-browser-secret"))
    _password_log_in(desktop, cabinet, "traveller.browser", "first-browser-secret")
    desktop.get_by_role("link", name="Password").click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Change the password")
    assert accessibility_violations(desktop) == []
    shoot(desktop, screenshots, "desktop-password-change")
    _change(desktop, "not-the-current-one", "second-browser-secret", "second-browser-secret")
    expect(desktop.get_by_role("alert")).to_have_text("The current password is wrong.")
    _change(desktop, "first-browser-secret", "second-browser-secret", "another-browser-secret")
    expect(desktop.get_by_role("alert")).to_have_text("The two new passwords differ.")
    _change(desktop, "first-browser-secret", "aaaa", "aaaa")
    expect(desktop.get_by_role("alert")).to_have_text("The new password is too short or too easy to guess.")
    _change(desktop, "first-browser-secret", "second-browser-secret", "second-browser-secret")
    expect(desktop.get_by_role("status")).to_contain_text("Your password is changed.")
    desktop.get_by_role("button", name="Log out").click()
    _password_log_in(desktop, cabinet, "traveller.browser", "second-browser-secret")


def test_the_password_page_of_a_subscriber_without_a_login_says_so(
        phone: Page, cabinet: Cabinet, people: dict[str, Person]) -> None:
    log_in(phone, cabinet, people["payer"])
    phone.get_by_role("link", name="Password").click()
    expect(phone.get_by_test_id("no-login")).to_contain_text("You log in with an SMS code")


def _change(page: Page, current: str, new: str, again: str) -> None:
    page.get_by_label("Current password").fill(current)
    page.get_by_label("New password", exact=True).fill(new)
    page.get_by_label("New password again").fill(again)
    page.get_by_role("button", name="Save the new password").click()


def _password_log_in(page: Page, cabinet: Cabinet, login: str, password: str) -> None:
    page.goto(cabinet.origin)
    page.get_by_role("button", name="Log in with a login and password instead").click()
    form = page.locator("#password")
    form.get_by_label("Login").fill(login)
    form.get_by_label("Password").fill(password)
    form.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_test_id("balance")).to_be_visible()


async def _password_set(cabinet: Cabinet, account_id: str, login: str, password: str) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        code = await issue_login(http, cabinet, account_id, login)
        set_ = await http.post(f"{cabinet.url('accounts')}/v1/auth/password", json={
            "login": login, "setup_code": code, "password": password})
    assert set_.status_code == 200, set_.text


async def _newest_movements(cabinet: Cabinet, account_id: str) -> list[str]:
    """The ids of the account's movements, newest first, as the ledger API answers them."""
    async with httpx.AsyncClient(timeout=30) as http:
        op = await token(http, cabinet, "operator")
        answer = await http.get(f"{cabinet.url('invoicing')}/v1/accounts/{account_id}/ledger",
                                params={"order": "newest", "limit": 1000}, headers=op)
    assert answer.status_code == 200, answer.text
    return [item["id"] for item in answer.json()["items"]]


def test_movements_and_payments_are_paged_past_the_first_page(
        desktop: Page, cabinet: Cabinet, people: dict[str, Person], loop: LoopThread) -> None:
    log_in(desktop, cabinet, people["saver"])
    desktop.get_by_role("link", name="Movements").click()
    movements, payments = desktop.locator("[data-movement]"), desktop.locator("[data-payment]")
    expect(movements).to_have_count(50)
    expect(payments).to_have_count(20)
    desktop.get_by_role("button", name="Show more movements").click()
    expect(movements).to_have_count(CASH_PAYMENTS)
    expect(desktop.get_by_role("button", name="Show more movements")).to_have_count(0)
    shown = movements.evaluate_all("rows => rows.map(r => r.dataset.movement)")
    # newest first, the second page after the first, none shown twice
    assert shown == loop.run(_newest_movements(cabinet, people["saver"].account_id))
    desktop.get_by_role("button", name="Show more payments").click()
    expect(payments).to_have_count(40)
    desktop.get_by_role("button", name="Show more payments").click()
    expect(payments).to_have_count(CASH_PAYMENTS)
    expect(desktop.get_by_role("button", name="Show more payments")).to_have_count(0)
    ids = desktop.locator("[data-payment]").evaluate_all("rows => rows.map(r => r.dataset.payment)")
    assert len(set(ids)) == CASH_PAYMENTS  # no page repeats another's payments
    expect(payments.first).to_contain_text(f"MDL {CASH_PAYMENTS}.00")  # newest first


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_an_operator_finds_an_account_and_sees_what_its_subscriber_sees(
        screen: str, request: pytest.FixtureRequest, cabinet: Cabinet,
        people: dict[str, Person], screenshots: Path) -> None:
    page: Page = request.getfixturevalue(screen)
    debtor = people["debtor"]
    _operator_log_in(page, cabinet, "operator", "wrong-secret")
    expect(page.get_by_role("alert")).to_have_text("The client ID or the secret is wrong.")
    _operator_log_in(page, cabinet, "partner", "partner-secret")
    expect(page.get_by_role("alert")).to_have_text("These credentials are not an operator's.")
    _operator_log_in(page, cabinet, "operator", "operator-secret")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find an account")
    _search(page, "37369999999")
    expect(page.get_by_role("status")).to_have_text("No account found.")
    _search(page, f"+{debtor.msisdn}")
    assert accessibility_violations(page) == []
    shoot(page, screenshots, f"{screen}-operator-find")
    page.get_by_role("button", name=f"Open account {debtor.account_id}").click()
    expect(page.get_by_test_id("balance")).to_have_text("You owe MDL 6.00")
    expect(page.get_by_test_id("viewing")).to_have_text(f"Viewing account {debtor.account_id}")
    expect(page.get_by_role("link", name="Password")).to_have_count(0)
    page.get_by_role("link", name="Invoices").click()
    expect(page.locator(f'[data-invoice="{debtor.invoice_number}"]')).to_be_visible()
    page.get_by_role("link", name="Find an account").click()
    _search(page, people["payer"].account_id)
    page.get_by_role("button", name=f"Open account {people['payer'].account_id}").click()
    expect(page.get_by_test_id("viewing")).to_have_text(f"Viewing account {people['payer'].account_id}")


def _operator_log_in(page: Page, cabinet: Cabinet, client: str, secret: str) -> None:
    page.goto(cabinet.origin)
    page.get_by_role("button", name="Operator login").click()
    page.get_by_label("Client ID").fill(client)
    page.get_by_label("Client secret").fill(secret)
    page.locator("#operator").get_by_role("button", name="Log in", exact=True).click()


def _search(page: Page, query: str) -> None:
    page.get_by_label("Phone number or account number").fill(query)
    page.get_by_role("button", name="Search").click()
