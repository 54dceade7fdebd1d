"""The ledger from rating's and payments' events: balance, movements, redelivery, access."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import asyncpg
import httpx
from invoicing.settings import InvoicingSettings
from tarifa.testing.events import publish_event, tap_events

from .world import (
    balance_becomes,
    item,
    open_account,
    operator,
    payment,
    subscriber,
    usage,
)

MAY = date(2026, 5, 10)


async def test_rated_usage_and_payments_move_the_balance_and_announce_it(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    async with tap_events(settings.amqp_url, ["invoicing.balance.changed"]) as tap:
        account_id, msisdn = await open_account(settings, client)
        await publish_event(settings.amqp_url, usage(
            account_id, item(msisdn, "sms", 40, "20.00", "4.00", MAY),
            item(msisdn, "voice", 3600, "36.00", "7.20", MAY)))
        await balance_becomes(client, account_id, "-67.20")
        await publish_event(settings.amqp_url, payment(account_id, "100.00"))
        await balance_becomes(client, account_id, "32.80")
        changes = await tap.wait_for("invoicing.balance.changed", count=2, account_id=account_id)
    assert [(c.data["balance"], c.data["cause"]) for c in changes] == [
        ("-67.20", "usage"), ("32.80", "payment")]
    assert all(c.data["currency"] == "MDL" and c.subject == account_id for c in changes)
    ledger = await client.get(f"/v1/accounts/{account_id}/ledger", headers=operator())
    rows = ledger.json()
    assert sorted((r["kind"], r["type"], r["amount"]) for r in rows) == [
        ("charge", "sms", "-24.00"), ("charge", "voice", "-43.20"),
        ("payment", "payment", "100.00")]
    assert sum(Decimal(r["amount"]) for r in rows) == Decimal("32.80")
    charge = next(r for r in rows if r["type"] == "sms")
    assert (charge["msisdn"], charge["quantity"], charge["unit"], charge["date"]) == (
        msisdn, "40", "message", "2026-05-10")
    assert (charge["net"], charge["vat"], charge["gross"]) == ("20.00", "4.00", "24.00")


async def test_one_batch_event_charges_each_of_its_accounts_with_its_own_carries(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    first_id, first_msisdn = await open_account(settings, client)
    second_id, second_msisdn = await open_account(settings, client)
    one = usage(first_id, item(first_msisdn, "voice", 125, "0.0208333333", "0.0041666667", MAY))
    two = usage(second_id, item(second_msisdn, "sms", 1, "0.50", "0.10", MAY))
    batch = one.model_copy(update={"accounts": [*one.accounts, *two.accounts]})
    await publish_event(settings.amqp_url, batch)
    await publish_event(settings.amqp_url, one)
    await balance_becomes(client, second_id, "-0.60")
    # 0.0208333333 twice: 0.02 posted, then 0.04 - 0.02; VAT 0.0083333334 rounds to 0.01.
    await balance_becomes(client, first_id, "-0.05")
    rows = (await client.get(f"/v1/accounts/{first_id}/ledger", headers=operator())).json()
    assert sorted((r["net"], r["vat"]) for r in rows) == [("0.02", "0.00"), ("0.02", "0.01")]


async def test_a_batch_announces_the_accounts_it_moved_and_keeps_their_balance_rows(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    moved_id, moved_msisdn = await open_account(settings, client)
    still_id, still_msisdn = await open_account(settings, client)
    one = usage(moved_id, item(moved_msisdn, "sms", 1, "0.50", "0.10", MAY))
    # a thousandth of a leu posts 0.00 now (its carry keeps it): the balance does not move
    two = usage(still_id, item(still_msisdn, "data", 10, "0.001", "0.0002", MAY))
    async with tap_events(settings.amqp_url, ["invoicing.balance.changed"]) as tap:
        await publish_event(settings.amqp_url,
                            one.model_copy(update={"accounts": [*one.accounts, *two.accounts]}))
        await balance_becomes(client, moved_id, "-0.60")
        await publish_event(settings.amqp_url, payment(still_id, "2.00"))
        await balance_becomes(client, still_id, "2.00")
        moved = await tap.wait_for("invoicing.balance.changed", account_id=moved_id)
        still = await tap.wait_for("invoicing.balance.changed", account_id=still_id)
    assert [(c.data["balance"], c.data["cause"]) for c in moved] == [("-0.60", "usage")]
    assert [(c.data["balance"], c.data["cause"]) for c in still] == [("2.00", "payment")]
    conn = await asyncpg.connect(str(settings.database_url))
    try:
        kept = await conn.fetch("SELECT b.account_id, b.balance, sum(l.amount) AS summed "
                                "FROM balances b JOIN ledger l USING (account_id) "
                                "WHERE b.account_id = ANY($1) GROUP BY b.account_id, b.balance",
                                [moved_id, still_id])
    finally:
        await conn.close()
    assert sorted((r["balance"], r["summed"]) for r in kept) == [
        (Decimal("-0.60"), Decimal("-0.60")), (Decimal("2.00"), Decimal("2.00"))]


async def test_batches_in_a_row_post_with_one_carry_and_a_refused_one_posts_nothing(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    account_id, msisdn = await open_account(settings, client)
    third = item(msisdn, "voice", 125, "0.0208333333", "0.0041666667", MAY)
    refused = usage(account_id, third)
    refused.accounts[0].currency = "EUR"
    for rated in (usage(account_id, third), refused, usage(account_id, third),
                  usage(account_id, third)):
        await publish_event(settings.amqp_url, rated)
    # net 0.0624999999 posts 0.02 three times; its VAT 0.012 posts 0.00, 0.01, 0.00
    await balance_becomes(client, account_id, "-0.07")
    rows = (await client.get(f"/v1/accounts/{account_id}/ledger", headers=operator())).json()
    assert sorted((r["net"], r["vat"], r["currency"]) for r in rows) == [
        ("0.02", "0.00", "MDL"), ("0.02", "0.00", "MDL"), ("0.02", "0.01", "MDL")]


async def test_the_same_event_delivered_twice_is_one_ledger_movement(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    account_id, msisdn = await open_account(settings, client)
    rated = usage(account_id, item(msisdn, "data", 1_048_576, "0.10", "0.02", MAY))
    first = await publish_event(settings.amqp_url, rated)
    await publish_event(settings.amqp_url, rated, event_id=first.id)
    paid = payment(account_id, "5.00")
    second = await publish_event(settings.amqp_url, paid)
    await publish_event(settings.amqp_url, paid, event_id=second.id)
    await publish_event(settings.amqp_url, payment(account_id, "1.00"))
    await balance_becomes(client, account_id, "5.88")
    rows = (await client.get(f"/v1/accounts/{account_id}/ledger", headers=operator())).json()
    assert sorted(r["amount"] for r in rows) == ["-0.12", "1.00", "5.00"]


async def test_ledger_reads_by_date_and_refuses_a_reversed_interval(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    account_id, msisdn = await open_account(settings, client)
    await publish_event(settings.amqp_url, usage(
        account_id, item(msisdn, "sms", 1, "0.50", "0.10", date(2026, 4, 30)),
        item(msisdn, "sms", 2, "1.00", "0.20", date(2026, 5, 1))))
    await balance_becomes(client, account_id, "-1.80")
    may = await client.get(f"/v1/accounts/{account_id}/ledger",
                           params={"from": "2026-05-01", "to": "2026-05-31"}, headers=operator())
    assert [r["date"] for r in may.json()] == ["2026-05-01"]
    reversed_ = await client.get(f"/v1/accounts/{account_id}/ledger",
                                 params={"from": "2026-05-31", "to": "2026-05-01"},
                                 headers=operator())
    assert reversed_.status_code == 422
    assert reversed_.headers["content-type"] == "application/problem+json"


async def test_a_subscriber_sees_only_its_own_account(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    account_id, _ = await open_account(settings, client)
    own = await client.get(f"/v1/accounts/{account_id}/balance", headers=subscriber(account_id))
    assert own.json() == {"balance": "0.00", "currency": "MDL"}
    for path in ("balance", "ledger", "invoices"):
        other = await client.get(f"/v1/accounts/{account_id}/{path}",
                                 headers=subscriber("someone-else"))
        assert other.status_code == 404, path
        assert other.headers["content-type"] == "application/problem+json"
        assert (await client.get(f"/v1/accounts/{account_id}/{path}")).status_code == 401
    unknown = await client.get("/v1/accounts/nobody/balance", headers=operator())
    assert unknown.status_code == 404
