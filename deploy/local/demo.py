"""``make demo``: a billing month for about a hundred subscribers, start to end, in minutes.

The five services and the sandbox card gateway start in test mode on free ports and their own
databases (tarifa_demo_*, made afresh) and RabbitMQ virtual host (tarifa-demo); a mail catcher
and an SMSC simulator run beside them. Then, over the services' HTTP APIs only: two plans, the
subscribers in ro, ru and en (prepaid ones topped up in cash, some on paper bills, some told of
their bill by SMS), a month of usage, the clocks moved past May, the billing run, the e-bills
saved as PDF files, one subscriber's SMS-code login and card payment through the gateway's page,
a promised payment, cash payments; a summary table at the end. Everything stops when done
(``--keep-mail-page`` keeps the mail page up until Ctrl-C).

Output in ``var/demo`` (``--folder``): ``ebills/*.pdf``, ``paper/print-batch.pdf``, ``mail/*.eml``,
``sms.log``, ``summary.json`` and the services' ``logs/``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from demo_after import card_payment, cash_payments, invoices_of, promised_payment, save_ebills, sms_login
from demo_drive import Demo, Opened, eventually
from demo_stack import DemoStack, free_port
from demo_summary import Summary, summarise
from demo_world import subscribers
from rich.console import Console
from rich.progress import Progress

__all__ = ["main", "run"]

VHOST = "tarifa-demo"
Inspect = Callable[[Demo, Summary], Awaitable[None]]
console = Console()


async def month(demo: Demo, count: int, folder: Path) -> Summary:
    """May in the suite: subscribers and usage, the billing run, then what follows a bill."""
    await demo.stack.move_clocks(demo.http, "2026-05-31T20:00:00+00:00")
    await demo.login("operator"), await demo.login("partner")
    await demo.plans()
    people = demo.people = await demo.open_all(subscribers(count))
    ingest = await demo.send_usage(people)
    run = await _billing_run(demo)
    return await _after_the_bills(demo, people, run["id"], folder, ingest["accepted"])


async def _billing_run(demo: Demo) -> dict[str, Any]:
    await demo.stack.move_clocks(demo.http, "2026-06-01T06:00:00+00:00")
    run = await demo.bill("2026-05-31")
    if run["status"] != "completed":
        raise RuntimeError(f"the billing run failed: {run}")
    return run


async def _after_the_bills(demo: Demo, people: list[Opened], run_id: str, folder: Path,
                           rated: int) -> Summary:
    by_account = await invoices_of(demo, people)
    ebills = await save_ebills(demo, people, by_account, folder / "ebills")
    if any(o.who.medium == "paper" for o in people):
        await _print_batch(demo, run_id, folder / "paper")
    await _payments(demo, people, by_account)
    counts = {"usage": rated, "ebills": ebills, "emails": await _mail_settled(demo, ebills),
              "sms": len(demo.stack.smsc.messages)}
    _sms_log(demo, folder / "sms.log")
    invoices = [i for listed in by_account.values() for i in listed]
    return summarise(people, invoices, demo.payments, counts)


async def _payments(demo: Demo, people: list[Opened],
                    by_account: dict[str, list[dict[str, Any]]]) -> None:
    """A card payment after an SMS-code login, a promised payment, cash for every third bill."""
    billed = [(o, by_account[o.account_id][0]) for o in people
              if o.who.payment_mode == "postpaid" and by_account[o.account_id]]
    card_payer = next((o, i) for o, i in billed if o.who.medium == "ebill")
    await sms_login(demo, card_payer[0].who.msisdn)
    await card_payment(demo, *card_payer)
    debtor = next(o for o, _ in billed if o.who.medium == "paper")
    await promised_payment(demo, debtor)
    rest = [(o, i) for o, i in billed if o not in (card_payer[0], debtor)]
    await cash_payments(demo, rest[::3])


async def _print_batch(demo: Demo, run_id: str, folder: Path) -> None:
    """The paper statements of the run, one PDF for the printer, once they are rendered."""
    answer = await eventually(lambda: demo.http.get(
        demo.url("invoicing", f"/v1/billing-runs/{run_id}/print-batch"),
        headers=demo.tokens["operator"]), lambda r: r.status_code == 200, timeout=120)
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    await asyncio.to_thread((folder / "print-batch.pdf").write_bytes, answer.content)


async def _mail_settled(demo: Demo, at_least: int, timeout: float = 120) -> int:
    """Wait for the e-bills' emails, then until no other message has come for two seconds."""
    assert demo.stack.mail is not None
    mail = demo.stack.mail.messages
    for _ in range(int(timeout * 5)):
        if len(mail) >= at_least:
            break
        await asyncio.sleep(0.2)
    seen = -1
    while seen != len(mail):
        seen = len(mail)
        await asyncio.sleep(2)
    return seen


def _sms_log(demo: Demo, path: Path) -> None:
    path.write_text("".join(f"to +{m.destination} from {m.source}: {m.text}\n"
                            for m in demo.stack.smsc.messages), encoding="utf-8")


async def run(options: argparse.Namespace, inspect: Inspect | None = None) -> Summary:
    """The whole demo; ``inspect`` sees the running suite and the summary before it stops."""
    folder: Path = options.folder
    for part in ("ebills", "paper", "mail", "logs", "documents"):
        shutil.rmtree(folder / part, ignore_errors=True)
    stack = DemoStack(folder, options.database_url.rstrip("/"), options.amqp_url, options.db_prefix)
    console.print(f"starting the suite (logs in {folder}/logs) …")
    try:
        await stack.start((options.smtp_port, options.mail_port))
        return await _drive(stack, options, inspect)
    finally:
        await stack.stop()


async def _drive(stack: DemoStack, options: argparse.Namespace, inspect: Inspect | None) -> Summary:
    async with httpx.AsyncClient(timeout=60) as http:
        with Progress(console=console) as progress:
            demo = Demo(stack, http, progress)
            summary = await month(demo, options.subscribers, options.folder)
        _report(summary, stack, options.folder)
        if inspect is not None:
            await inspect(demo, summary)
        if options.keep_mail_page:
            await _linger(stack)
    return summary


def _report(summary: Summary, stack: DemoStack, folder: Path) -> None:
    summary.write(folder / "summary.json")
    summary.show(console, {"ebills": str(folder / "ebills"), "sms": str(folder / "sms.log"),
                           "mail": stack.mail.url if stack.mail else ""})


async def _linger(stack: DemoStack) -> None:
    assert stack.mail is not None
    console.print(f"the mail page stays at {stack.mail.url}; Ctrl-C ends it")
    try:
        await asyncio.Event().wait()
    except asyncio.CancelledError:
        return


def _vhost(amqp_url: str | None) -> str:
    """The demo's own virtual host on the local broker, so it never meets ``make run``'s queues."""
    if amqp_url:
        return amqp_url
    for args in (["add_vhost", VHOST], ["set_permissions", "-p", VHOST, "guest", ".*", ".*", ".*"]):
        done = subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, text=True)
        if done.returncode != 0 and "already_exists" not in done.stderr + done.stdout:
            sys.exit(f"cannot prepare the RabbitMQ vhost {VHOST}: {done.stderr.strip()}")
    return f"amqp://guest:guest@127.0.0.1:5672/{VHOST}"


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=100)
    parser.add_argument("--folder", type=Path, default=Path("var/demo"))
    parser.add_argument("--amqp-url", help=f"default: the local broker's vhost {VHOST}")
    parser.add_argument("--database-url", default=os.environ.get(
        "TARIFA_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432"), help="the PostgreSQL server")
    parser.add_argument("--db-prefix", default="tarifa_demo")
    parser.add_argument("--smtp-port", type=int, default=0, help="default: a free port")
    parser.add_argument("--mail-port", type=int, default=0, help="the mail page; default: free")
    parser.add_argument("--keep-mail-page", action="store_true")
    options = parser.parse_args(argv)
    if options.subscribers < 4:
        parser.error("--subscribers must be at least 4 (a card payer, a paper bill, prepaid ones)")
    options.smtp_port = options.smtp_port or free_port()
    options.mail_port = options.mail_port or free_port()
    return options


def main(argv: list[str] | None = None) -> int:
    options = parse(argv)
    options.amqp_url = _vhost(options.amqp_url)
    try:
        asyncio.run(run(options))
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
