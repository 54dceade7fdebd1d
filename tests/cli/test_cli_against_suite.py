"""The ``tarifa`` CLI driving a billing month against the five services run as processes.

login → plan from YAML → customer, account, line → 100 CDRs from CSV in batches (and again, all
duplicates) → balance → billing run followed to its end → invoice, PDF, signature verified.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from tarifa_cli.app import app
from typer.testing import CliRunner, Result

from ..e2e.processes import SERVICES, Suite, free_port
from ..e2e.test_billing_cycle import MSISDN, PLAN, _records

HEADER = "id,msisdn,type,direction,started_at,quantity,other_party"


class Cli:
    def __init__(self, suite: Suite, config_dir: Path) -> None:
        urls = [f"--{s}-url={suite.url(s)}" for s in SERVICES]
        self.base = ["--config-dir", str(config_dir), *urls]

    def run(self, *args: str) -> Result:
        return CliRunner().invoke(app, [*self.base, *args])

    def json(self, *args: str) -> Any:
        result = self.run("--json", *args)
        assert result.exit_code == 0, (args, result.stdout, result.stderr)
        return json.loads(result.stdout)

    def until(self, done: Callable[[Result], bool], *args: str, timeout: float = 30) -> Result:
        deadline = time.monotonic() + timeout
        while True:
            result = self.run("--json", *args)
            if done(result) or time.monotonic() > deadline:
                return result
            time.sleep(0.2)


def _move_clocks(suite: Suite, now: str) -> None:
    for service in SERVICES:
        moved = httpx.put(f"{suite.url(service)}/v1/test/clock?wait=true", json={"now": now})
        assert moved.status_code == 200, moved.text


def _files(tmp: Path) -> tuple[Path, Path]:
    plan = tmp / "plan.yaml"
    plan.write_text(json.dumps(PLAN))  # JSON is YAML too
    usage = tmp / "usage.csv"
    rows = [",".join(str(r[k]) for k in HEADER.split(",")) for r in _records()]
    usage.write_text("\n".join([HEADER, *rows]) + "\n")
    return plan, usage


def _open_account(cli: Cli) -> str:
    customer = cli.json("customers", "create", "--name", "Ion Popescu", "--email", "ion@example.md",
                        "--language", "ro")
    account = cli.json("accounts", "create", "--customer", customer["id"], "--ebill",
                       "ion@example.md")
    line = cli.until(lambda r: r.exit_code == 0, "lines", "create", account["id"],
                     "--msisdn", MSISDN, "--plan", "smart-100",
                     "--connected-at", "2026-05-01T00:00:00+00:00")
    assert line.exit_code == 0, line.stderr
    assert [x["msisdn"] for x in cli.json("lines", "list", account["id"])] == [MSISDN]
    account_id: str = account["id"]
    return account_id


def _import_usage(cli: Cli, usage: Path) -> None:
    first = cli.until(lambda r: r.exit_code == 0 and json.loads(r.stdout)["parked"] == 0,
                      "usage", "import", str(usage), "--batch-size", "30")
    again = cli.json("usage", "import", str(usage), "--batch-size", "30")
    totals = json.loads(first.stdout)
    assert (totals["accepted"] + totals["duplicates"], totals["rejected"]) == (100, [])
    assert (again["accepted"], again["duplicates"]) == (0, 100)


def _bill(cli: Cli, suite: Suite, account_id: str) -> dict[str, Any]:
    balance = cli.until(lambda r: r.exit_code == 0 and json.loads(r.stdout)["balance"] == "-69.60",
                        "accounts", "balance", account_id)
    assert json.loads(balance.stdout)["balance"] == "-69.60", balance.stdout
    _move_clocks(suite, "2026-06-01T06:00:00+00:00")
    run = cli.json("billing", "run", "--period-end", "2026-05-31", "--interval", "0.2",
                   "--timeout", "120")
    assert run["status"] == "completed" and run["issued"] >= 1, run
    [listed] = cli.json("invoices", "list", account_id)
    invoice: dict[str, Any] = cli.json("invoices", "show", listed["id"])
    return invoice


def test_the_cli_drives_a_billing_month(suite: Suite, tmp_path: Path) -> None:
    _move_clocks(suite, "2026-05-02T09:00:00+00:00")
    cli = Cli(suite, tmp_path / "config")
    plan, usage = _files(tmp_path)
    wrong = cli.run("login", "--client-id", "operator", "--client-secret", "wrong")
    assert wrong.exit_code == 1 and "401" in wrong.stderr
    assert cli.run("login", "--client-id", "operator", "--client-secret", "operator-secret").exit_code == 0
    assert cli.run("plans", "put", "smart-100", str(plan)).exit_code == 0
    assert cli.json("plans", "get", "smart-100")["vat_rate"] == "0.20"
    assert cli.run("plans", "get", "no-such-plan").exit_code == 1
    account_id = _open_account(cli)
    _import_usage(cli, usage)
    invoice = _bill(cli, suite, account_id)
    assert (Decimal(invoice["total_charges"]), Decimal(invoice["vat_total"])) == (
        Decimal("69.60"), Decimal("11.60"))
    pdf = tmp_path / "invoice.pdf"
    assert cli.run("invoices", "pdf", invoice["id"], "-o", str(pdf)).exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    assert cli.json("documents", "verify", str(pdf))["valid"] is True
    (tmp_path / "altered.pdf").write_bytes(pdf.read_bytes().replace(b"ReportLab", b"ReportLaX", 1))
    altered = cli.run("documents", "verify", str(tmp_path / "altered.pdf"))
    assert altered.exit_code == 1 and "changed after it was signed" in altered.stderr
    away = cli.run(f"--invoicing-url=http://127.0.0.1:{free_port()}", "invoices", "show", "x")
    assert away.exit_code == 3
