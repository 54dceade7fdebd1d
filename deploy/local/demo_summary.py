"""The table ``make demo`` ends with, and the same figures as JSON for checks."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from demo_drive import Opened
from rich.console import Console
from rich.table import Table

__all__ = ["Summary", "summarise"]


@dataclass(frozen=True, slots=True)
class Summary:
    subscribers: int
    languages: dict[str, int]
    prepaid: int
    postpaid: int
    paper: int
    usage_records: int
    invoices: int
    net: str
    vat: str
    gross: str
    payments: int
    paid: str
    ebill_pdfs: int
    emails: int
    sms: int

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2) + "\n")

    def show(self, console: Console, places: dict[str, str]) -> None:
        table = Table(title="Tarifa demo: May 2026 billed", show_header=False)
        table.add_column(style="bold")
        table.add_column()
        modes = f"{self.prepaid} prepaid, {self.postpaid} postpaid ({self.paper} on paper bills)"
        languages = ", ".join(f"{n} {lang}" for lang, n in sorted(self.languages.items()))
        for label, value in (
            ("Accounts", f"{self.subscribers}: {modes}"), ("Languages", languages),
            ("Usage records rated", str(self.usage_records)), ("Invoices", str(self.invoices)),
            ("Net", f"{self.net} MDL"), ("VAT", f"{self.vat} MDL"), ("Gross", f"{self.gross} MDL"),
            ("Payments", f"{self.payments}, {self.paid} MDL"),
            ("E-bills (PDF)", f"{self.ebill_pdfs} in {places['ebills']}"),
            ("Emails", f"{self.emails} at {places['mail']}"), ("SMS", f"{self.sms} in {places['sms']}"),
        ):
            table.add_row(label, value)
        console.print(table)


def summarise(people: list[Opened], invoices: list[dict[str, Any]], payments: list[dict[str, Any]],
              counts: dict[str, int]) -> Summary:
    gross = sum((Decimal(i["total_charges"]) for i in invoices), Decimal("0"))
    vat = sum((Decimal(i["vat_total"]) for i in invoices), Decimal("0"))
    settled = [p for p in payments if p["status"] == "succeeded"]
    modes = Counter(o.who.payment_mode for o in people)
    return Summary(
        subscribers=len(people), languages=dict(Counter(o.who.language for o in people)),
        prepaid=modes["prepaid"], postpaid=modes["postpaid"],
        paper=sum(o.who.medium == "paper" for o in people), usage_records=counts["usage"],
        invoices=len(invoices), net=str(gross - vat), vat=str(vat), gross=str(gross),
        payments=len(settled), paid=str(sum((Decimal(p["amount"]) for p in settled), Decimal("0"))),
        ebill_pdfs=counts["ebills"], emails=counts["emails"], sms=counts["sms"])
