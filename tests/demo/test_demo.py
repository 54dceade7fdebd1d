"""``make demo`` with a dozen subscribers: its summary checked against the suite's own answers.

The totals are summed here from each account's invoices and payments as the APIs return them
(not from the demo's figures), the PDFs and mails counted where the demo says they are.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx

from .conftest import PREFIX

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy" / "local"))

import demo  # noqa: E402
from demo_drive import Demo  # noqa: E402
from demo_summary import Summary  # noqa: E402


async def _operator(http: httpx.AsyncClient, accounts: str) -> dict[str, str]:
    answer = await http.post(f"{accounts}/v1/auth/token", data={
        "grant_type": "client_credentials", "client_id": "operator", "client_secret": "operator-secret"})
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def _per_account(running: Demo, path: str) -> list[Any]:
    async with httpx.AsyncClient(timeout=30) as http:
        op = await _operator(http, running.stack.url("accounts"))
        found: list[Any] = []
        for opened in running.people:
            service = "payments" if path == "payments" else "invoicing"
            answer = await http.get(
                f"{running.stack.url(service)}/v1/accounts/{opened.account_id}/{path}", headers=op)
            assert answer.status_code == 200, answer.text
            found += answer.json()["items"] if path == "payments" else answer.json()
        return found


def _check_money(summary: Summary, invoices: list[dict[str, Any]], payments: list[dict[str, Any]]) -> None:
    gross = sum(Decimal(i["total_charges"]) for i in invoices)
    vat = sum(Decimal(i["vat_total"]) for i in invoices)
    net = sum(Decimal(line["net"]) for i in invoices for line in i["lines"])
    assert (Decimal(summary.gross), Decimal(summary.vat)) == (gross, vat)
    assert Decimal(summary.net) == gross - vat and abs(net - (gross - vat)) <= Decimal("0.01") * len(invoices)
    assert summary.invoices == len(invoices) == summary.subscribers and gross > 0
    settled = [p for p in payments if p["status"] == "succeeded"]
    assert summary.payments == len(settled)
    assert Decimal(summary.paid) == sum(Decimal(p["amount"]) for p in settled)
    assert {p["channel"] for p in settled} >= {"cash", "card"}


def _check_files(summary: Summary, folder: Path, mail: list[EmailMessage]) -> None:
    ebills = len(list((folder / "ebills").glob("*.pdf")))
    assert ebills == summary.ebill_pdfs == summary.subscribers - summary.paper
    assert (folder / "paper" / "print-batch.pdf").read_bytes().startswith(b"%PDF")
    assert summary.emails == len(mail) == len(list((folder / "mail").glob("*.eml")))
    with_pdf = [m for m in mail
                if any(a.get_content_type() == "application/pdf" for a in m.iter_attachments())]
    assert len(with_pdf) == summary.ebill_pdfs
    sms = (folder / "sms.log").read_text().splitlines()
    assert len(sms) == summary.sms and summary.sms > 0
    assert set(summary.languages) == {"ro", "ru", "en"} and summary.prepaid > 0 and summary.paper > 0


async def test_the_demo_summary_matches_the_suite(tmp_path: Path, demo_amqp_url: str,
                                                  demo_database_server: str) -> None:
    options = demo.parse(["--subscribers", "12", "--folder", str(tmp_path), "--amqp-url", demo_amqp_url,
                          "--database-url", demo_database_server, "--db-prefix", PREFIX])
    seen: dict[str, Any] = {}

    async def inspect(running: Demo, summary: Summary) -> None:
        seen["invoices"] = await _per_account(running, "invoices")
        seen["payments"] = await _per_account(running, "payments")
        assert running.stack.mail is not None
        seen["mail"] = list(running.stack.mail.messages)
        async with httpx.AsyncClient() as http:
            page, first = (await http.get(running.stack.mail.url),
                           await http.get(f"{running.stack.mail.url}1"))
        assert f"{len(seen['mail'])} messages" in page.text and ".pdf" in first.text

    summary = await demo.run(options, inspect)
    _check_money(summary, seen["invoices"], seen["payments"])
    _check_files(summary, tmp_path, seen["mail"])
