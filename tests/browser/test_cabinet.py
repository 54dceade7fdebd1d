"""The subscriber's cabinet in Chromium against the real services: login with the SMS code,
the pages on a phone and a desktop (axe-core, screenshots), promised payment, e-bill and its
points, the invoice PDF, the languages, an expired session, a refusal in words.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from .driver import DESKTOP, PHONE, accessibility_violations, log_in, shoot
from .stack import Cabinet, LoopThread
from .world import Person, issue_login

expect.set_options(timeout=20_000)
PAGES = {"overview": "#/", "invoices": "#/invoices", "movements": "#/movements", "pay": "#/pay",
         "bill": "#/bill", "services": "#/services", "password": "#/password"}
HEADINGS = {"overview": "My account", "invoices": "Invoices", "movements": "Movements",
            "pay": "Pay by card", "bill": "Bill and bonus", "services": "Services",
            "password": "Change the password"}
NewContext = Callable[..., BrowserContext]


@pytest.fixture
def phone(new_context: NewContext) -> Page:
    return new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()


@pytest.fixture
def desktop(new_context: NewContext) -> Page:
    return new_context(viewport=DESKTOP).new_page()


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_every_page_is_accessible_and_photographed(
        screen: str, request: pytest.FixtureRequest, cabinet: Cabinet,
        people: dict[str, Person], screenshots: Path) -> None:
    page: Page = request.getfixturevalue(screen)
    page.goto(cabinet.origin)
    expect(page.get_by_role("heading", name="Log in to your account")).to_be_visible()
    problems: dict[str, list[dict[str, Any]]] = {"login": accessibility_violations(page)}
    shoot(page, screenshots, f"{screen}-login")
    log_in(page, cabinet, people["debtor"])
    for name, address in PAGES.items():
        page.goto(f"{cabinet.origin}/{address}")
        expect(page.get_by_role("heading", level=1, name=HEADINGS[name])).to_be_visible()
        expect(page.get_by_text("Loading…")).to_have_count(0)
        problems[name] = accessibility_violations(page)
        shoot(page, screenshots, f"{screen}-{name}")
    assert problems == {name: [] for name in problems}


def test_the_overview_shows_the_debt_status_and_allowances(
        desktop: Page, cabinet: Cabinet, people: dict[str, Person]) -> None:
    log_in(desktop, cabinet, people["debtor"])
    expect(desktop.get_by_test_id("balance")).to_have_text("You owe MDL 6.00")
    expect(desktop.get_by_test_id("status")).to_have_text("Active")
    expect(desktop.get_by_text(f"+{people['debtor'].msisdn}")).to_be_visible()
    expect(desktop.get_by_text("Plan BROWSER")).to_be_visible()
    expect(desktop.get_by_text("100 of 100")).to_be_visible()
    expect(desktop.get_by_role("link", name="Pay now")).to_be_visible()


def test_a_promised_payment_is_granted_while_in_debt(
        phone: Page, cabinet: Cabinet, people: dict[str, Person]) -> None:
    log_in(phone, cabinet, people["debtor"])
    phone.get_by_role("button", name="Ask for a promised payment").click()
    expect(phone.get_by_role("status").filter(has_text="Promised payment granted until")).to_be_visible()
    phone.reload()
    expect(phone.get_by_test_id("promised")).to_contain_text("Services stay on until")
    expect(phone.get_by_role("button", name="Ask for a promised payment")).to_have_count(0)


def test_switching_to_the_ebill_earns_300_points(
        desktop: Page, cabinet: Cabinet, people: dict[str, Person]) -> None:
    log_in(desktop, cabinet, people["debtor"])
    desktop.get_by_role("link", name="Bill and bonus").click()
    expect(desktop.get_by_test_id("points")).to_have_text("You have 0 points.")
    desktop.get_by_label("E-bill by email").check()
    desktop.get_by_label("Email address").fill("ana.rusu@example.md")
    desktop.get_by_role("button", name="Save").click()
    expect(desktop.get_by_test_id("points")).to_have_text("You have 300 points.")
    expect(desktop.get_by_role("status")).to_have_text("Saved. Your bill now comes as: E-bill by email.")
    expect(desktop.get_by_label("E-bill by email")).to_be_checked()


def test_services_are_suspended_within_the_stated_maximum_and_resumed(
        phone: Page, cabinet: Cabinet, people: dict[str, Person]) -> None:
    log_in(phone, cabinet, people["traveller"])
    phone.get_by_role("link", name="Services").click()
    expect(phone.get_by_text("From 1 to 60 days at a time")).to_be_visible()
    phone.get_by_label("For how many days").fill("61")
    phone.get_by_role("button", name="Suspend").click()
    expect(phone.get_by_role("alert")).to_have_text("Choose a number of days within the limit shown.")
    phone.get_by_label("For how many days").fill("7")
    phone.get_by_role("button", name="Suspend").click()
    expect(phone.get_by_role("status").filter(has_text="Your services are suspended.")).to_be_visible()
    expect(phone.get_by_test_id("suspended")).to_contain_text("Suspension from")
    phone.get_by_role("link", name="My account").click()
    expect(phone.get_by_test_id("status")).to_have_text("Suspended at your request")
    phone.get_by_role("link", name="Services").click()
    phone.get_by_role("button", name="Resume my services now").click()
    expect(phone.get_by_role("status").filter(has_text="Your services are on again.")).to_be_visible()
    phone.get_by_role("link", name="My account").click()
    expect(phone.get_by_test_id("status")).to_have_text("Active")
    notices = phone.locator(".notices")
    _eventually_shown(phone, f"{cabinet.origin}/#/services", notices, "Services suspended")
    expect(notices).to_contain_text("Services resumed")


def test_the_tariff_changes_from_the_next_period(
        desktop: Page, cabinet: Cabinet, people: dict[str, Person]) -> None:
    log_in(desktop, cabinet, people["caller"])
    desktop.get_by_role("link", name="Services").click()
    desktop.get_by_label("New tariff").select_option(label="Browser Plus · MDL 99.00 a month")
    desktop.get_by_label("From the next period").check()
    desktop.get_by_role("button", name="Change the tariff").click()
    expect(desktop.get_by_role("status").filter(has_text="Tariff BROWSERPLUS from")).to_be_visible()


def test_a_detailed_bill_states_its_fee_before_it_is_charged(
        desktop: Page, cabinet: Cabinet, people: dict[str, Person]) -> None:
    log_in(desktop, cabinet, people["caller"])
    expect(desktop.get_by_test_id("balance")).to_have_text("Nothing owed")
    desktop.get_by_role("link", name="Services").click()
    expect(desktop.get_by_test_id("detailed-fee")).to_have_text(
        "A detailed bill costs MDL 50.00, charged on your next invoice.")
    desktop.get_by_label("From", exact=True).fill("2026-05-01")
    desktop.get_by_label("To", exact=True).fill("2026-05-31")
    desktop.get_by_role("button", name="Ask for the detailed bill").click()
    expect(desktop.get_by_role("alert")).to_have_text(
        "MDL 50.00 will be charged for this detailed bill. Do you confirm?")
    desktop.get_by_role("button", name="Yes, charge it").click()
    expect(desktop.get_by_role("status").filter(has_text="The detailed bill is being prepared")
           ).to_be_visible()
    _eventually_shown(desktop, f"{cabinet.origin}/#/", desktop.get_by_test_id("balance"),
                      "You owe MDL 50.00")


def test_the_signed_invoice_pdf_downloads(
        desktop: Page, cabinet: Cabinet, people: dict[str, Person]) -> None:
    debtor = people["debtor"]
    log_in(desktop, cabinet, debtor)
    desktop.get_by_role("link", name="Invoices").click()
    invoice = desktop.locator(f'[data-invoice="{debtor.invoice_number}"]')
    expect(invoice).to_contain_text("Amount due")
    expect(invoice).to_contain_text("MDL 6.00")
    with desktop.expect_download() as download:
        invoice.get_by_role("button", name="Download PDF").click()
    path = download.value.path()
    assert download.value.suggested_filename == f"{debtor.invoice_number}.pdf"
    content = Path(path).read_bytes()
    assert content.startswith(b"%PDF") and b"/ByteRange" in content  # signed
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout
    assert debtor.invoice_number in text.decode()


def test_an_invoice_is_paid_by_card_through_the_gateway_page(
        desktop: Page, cabinet: Cabinet, people: dict[str, Person], screenshots: Path) -> None:
    payer = people["payer"]
    log_in(desktop, cabinet, payer)
    desktop.get_by_role("link", name="Invoices").click()
    invoice = desktop.locator(f'[data-invoice="{payer.invoice_number}"]')
    expect(invoice.get_by_test_id("invoice-status")).to_have_text("To pay")
    invoice.get_by_role("link", name="Pay").click()
    expect(desktop.get_by_text("From 1.00 to 50000.00 MDL per payment.")).to_be_visible()
    expect(desktop.get_by_label("Amount (MDL)")).to_have_value("6.00")
    expect(desktop.get_by_label("The current invoice")).to_be_checked()
    desktop.get_by_role("button", name="Continue to the secure card page").click()
    desktop.wait_for_url(f"{cabinet.url('gateway')}/pay/**")
    desktop.get_by_role("button", name="Pay securely").click()
    desktop.wait_for_url(f"{cabinet.origin}/**#/payment")
    result = desktop.get_by_test_id("payment-status")
    expect(result).to_have_attribute("data-status", "succeeded")
    expect(result).to_have_text("Payment of MDL 6.00 received. Thank you!")
    shoot(desktop, screenshots, "desktop-payment")
    _eventually_shown(desktop, f"{cabinet.origin}/#/invoices",
                      invoice.get_by_test_id("invoice-status"), "Paid")
    _eventually_shown(desktop, f"{cabinet.origin}/#/", desktop.get_by_test_id("balance"),
                      "Nothing owed")


def _eventually_shown(page: Page, address: str, where: Any, text: str, tries: int = 40) -> None:
    """The services tell each other by events: reload until the page shows ``text``."""
    for _ in range(tries):
        page.goto(address)
        page.reload()
        expect(page.get_by_text("Loading…")).to_have_count(0)
        if where.count() and text in where.inner_text():
            return
        page.wait_for_timeout(500)
    expect(where).to_contain_text(text)


def test_the_language_is_switched_and_kept(
        phone: Page, cabinet: Cabinet, people: dict[str, Person]) -> None:
    log_in(phone, cabinet, people["debtor"])
    phone.get_by_label("Language").select_option("ru")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Мой счёт")
    expect(phone.get_by_role("link", name="Счета")).to_be_visible()
    assert phone.evaluate("document.documentElement.lang") == "ru"
    phone.get_by_label("Язык").select_option("ro")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Contul meu")
    phone.reload()
    expect(phone.get_by_role("link", name="Facturi")).to_be_visible()
    expect(phone.get_by_test_id("balance")).to_contain_text("Datorați")


def test_a_wrong_code_is_refused_with_a_sentence_in_the_chosen_language(
        desktop: Page, cabinet: Cabinet, people: dict[str, Person]) -> None:
    desktop.goto(cabinet.origin)
    desktop.get_by_label("Language").select_option("ro")
    desktop.get_by_label("Numărul de telefon").fill(people["payer"].msisdn)
    before = len(cabinet.smsc.to(people["payer"].msisdn))
    desktop.get_by_role("button", name="Trimiteți-mi un cod").click()
    right = cabinet.code_for(people["payer"].msisdn, before)
    desktop.get_by_label("Codul din SMS").fill("0000000" if right != "0000000" else "1111111")
    desktop.get_by_role("button", name="Intrare", exact=True).click()
    expect(desktop.get_by_role("alert")).to_have_text("Codul este greșit sau a expirat. Cereți unul nou.")


def test_a_password_is_set_with_the_setup_code_and_then_logs_in(
        desktop: Page, cabinet: Cabinet, people: dict[str, Person], loop: LoopThread) -> None:
    setup_code = loop.run(_issued(cabinet, people["caller"].account_id, "caller.browser"))
    desktop.goto(cabinet.origin)
    desktop.get_by_role("button", name="Log in with a login and password instead").click()
    desktop.get_by_role("button", name="First time? Set your password with the setup code").click()
    setup = desktop.locator("#setup")
    setup.get_by_label("Login").fill("caller.browser")
    setup.get_by_label("Setup code from your contract").fill(setup_code)
    setup.get_by_label("New password").fill("short")
    desktop.get_by_role("button", name="Set the password and log in").click()
    expect(desktop.get_by_role("alert")).to_have_text("The password is too short or a field is empty.")
    setup.get_by_label("New password").fill("a-long-browser-secret")
    desktop.get_by_role("button", name="Set the password and log in").click()
    expect(desktop.get_by_test_id("balance")).to_be_visible()
    desktop.get_by_role("button", name="Log out").click()
    desktop.get_by_role("button", name="Log in with a login and password instead").click()
    password = desktop.locator("#password")
    password.get_by_label("Login").fill("caller.browser")
    password.get_by_label("Password").fill("not-the-password")
    password.get_by_role("button", name="Log in", exact=True).click()
    expect(desktop.get_by_role("alert")).to_contain_text("The login, the password or the setup code is wrong")
    password.get_by_label("Password").fill("a-long-browser-secret")
    password.get_by_role("button", name="Log in", exact=True).click()
    expect(desktop.get_by_test_id("balance")).to_be_visible()


async def _issued(cabinet: Cabinet, account_id: str, login: str) -> str:
    async with httpx.AsyncClient(timeout=30) as http:
        return await issue_login(http, cabinet, account_id, login)


def test_an_expired_session_is_told_and_logout_ends_it(
        desktop: Page, cabinet: Cabinet, people: dict[str, Person]) -> None:
    log_in(desktop, cabinet, people["debtor"])
    _tamper(desktop, "s.token = s.token.slice(0, -4) + 'AAAA'")
    desktop.get_by_role("link", name="Invoices").click()  # the services refuse the token: 401
    expect(desktop.get_by_text("Your session has expired. Please log in again.")).to_be_visible()
    log_in(desktop, cabinet, people["debtor"])
    _tamper(desktop, "s.expiresAt = Date.now() - 1000")
    desktop.get_by_role("link", name="Movements").click()  # the browser knows it ran out
    expect(desktop.get_by_text("Your session has expired. Please log in again.")).to_be_visible()
    log_in(desktop, cabinet, people["debtor"])
    desktop.get_by_role("button", name="Log out").click()
    expect(desktop.get_by_text("You have logged out.")).to_be_visible()
    desktop.goto(f"{cabinet.origin}/#/invoices")
    expect(desktop.get_by_role("heading", name="Log in to your account")).to_be_visible()


def _tamper(page: Page, change: str) -> None:
    """Change the session the cabinet keeps in the tab (``s``) as time or a forger would."""
    page.evaluate(f"""() => {{ const s = JSON.parse(sessionStorage.getItem('tarifa.session'));
        {change}; sessionStorage.setItem('tarifa.session', JSON.stringify(s)); }}""")
