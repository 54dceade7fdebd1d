"""A balance fallen below the policy's threshold for its currency is told once per crossing, and
below zero the negative-balance notice takes over: real PostgreSQL, RabbitMQ and SMSC simulator."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest_asyncio
from notifications.adapters.smsc_simulator import SmscSimulator
from notifications.settings import NotificationsSettings
from tarifa.messaging.catalogue import BalanceChanged
from tarifa.testing.events import publish_event
from tarifa.tokens import TokenSigner

from .test_sms import _all, _number, _open, _received, _until


@pytest_asyncio.fixture
async def settings(settings: NotificationsSettings) -> NotificationsSettings:
    return settings.model_copy(update={"low_balance": {"MDL": Decimal("20.00")}})


async def test_a_low_balance_is_told_once_per_crossing_then_the_negative_one(
    client: httpx.AsyncClient, settings: NotificationsSettings, token_signer: TokenSigner,
    smsc: SmscSimulator,
) -> None:
    await smsc.start()
    number = _number()
    account_id = await _open(settings, language="en", sms=number)
    for balance in ("50.00", "15.00", "12.00", "30.00", "5.00", "-2.00", "-4.00"):
        await publish_event(settings.amqp_url, BalanceChanged(
            account_id=account_id, balance=Decimal(balance), currency="MDL", cause="usage"))
    await _until(client, token_signer, account_id, _all("delivered", 3))
    texts = sorted(sms.text for sms in await _received(smsc, number, 3))
    assert texts == [
        f"The balance of account {account_id} is down to 15.00 MDL, below 20.00 MDL. Please top "
        "up to keep your services running.",
        f"The balance of account {account_id} is down to 5.00 MDL, below 20.00 MDL. Please top "
        "up to keep your services running.",
        f"The balance of account {account_id} is negative: -2.00 MDL. Please top up to keep your "
        "services running.",
    ]


def test_a_threshold_in_an_unknown_currency_or_below_zero_is_refused() -> None:
    for thresholds in ({"ZZZ": Decimal("1")}, {"MDL": Decimal("-1")}, {"MDL": Decimal("NaN")}):
        try:
            NotificationsSettings(low_balance=thresholds)
        except ValueError as exc:
            assert "low_balance" in str(exc)
        else:
            raise AssertionError(f"{thresholds} was taken")
