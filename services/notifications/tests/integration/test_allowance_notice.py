"""An allowance used up (``rating.allowance.exhausted``) is told to the subscriber once, in its
language: real PostgreSQL, RabbitMQ, SMSC simulator and SMTP server."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from notifications.adapters.smsc_simulator import SmscSimulator
from notifications.settings import NotificationsSettings
from tarifa.messaging.catalogue import AllowanceExhausted

from .test_due_notices import _mail, _open, _sms, _twice


async def test_an_allowance_used_up_is_told_once_in_the_subscribers_language(
    settings: NotificationsSettings, smsc: SmscSimulator, mailbox: Any, client: Any,
) -> None:
    await smsc.start()
    ru_phone = "+37369" + str(uuid.uuid4().int)[:6]
    en_email = f"{uuid.uuid4().hex[:8]}@example.md"
    ru = await _open(settings, "ru", ru_phone, "ru@example.md")
    en = await _open(settings, "en", None, en_email)
    for account_id in (ru, en):
        await _twice(settings, AllowanceExhausted(account_id=account_id, msisdn="37369000111",
                                                  allowance="data:*:*"), account_id)
    ru_sms, = await _sms(smsc, ru_phone, 1)
    assert ru_sms.text == ("Пакет data:*:* номера 37369000111 израсходован в этом месяце. "
                           "Дальнейшее потребление тарифицируется по тарифу плана.")
    en_mail, = await _mail(mailbox, en_email, 1)
    assert en_mail["Subject"] == "Allowance used up"
    assert "The data:*:* allowance of 37369000111 is used up for this month." in \
        en_mail.get_content()
    await asyncio.sleep(0.5)  # what a duplicate would need to arrive
    assert len(smsc.to(ru_phone)) == len(mailbox.to(en_email)) == 1
