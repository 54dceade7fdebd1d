"""Keeping the payments replica of accounts and lines from the accounts events.

An account's payment mode (prepaid or postpaid) decides which autopay mode fits it; when an
``accounts.account.updated`` carries a new ``payment_mode`` that the account's autopay mandate
no longer fits, the mandate ends (audited, announced as ``payments.autopay.ended``), so that no
card pays what it was not set up for."""

from __future__ import annotations

from tarifa.messaging.catalogue import AccountOpened, AccountUpdated, LineActivated
from tarifa.messaging.envelope import CloudEvent

from payments.domain.payment import AccountRef
from payments.service.mandates import end_mandate
from payments.service.ports import UnitOfWork

__all__ = ["PAYMENT_MODES", "record_account", "record_line", "record_payment_mode"]

PAYMENT_MODES = ("prepaid", "postpaid")


async def record_account(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    data = event.parse(AccountOpened)
    async with uow:
        if await uow.first_time(consumer, event.id):
            await uow.accounts.upsert(AccountRef(data.account_id, data.currency,
                                                 payment_mode=_mode(data.payment_mode)))
            await uow.commit()


async def record_line(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    data = event.parse(LineActivated)
    async with uow:
        if await uow.first_time(consumer, event.id):
            await uow.accounts.add_line(data.msisdn, data.account_id)
            await uow.commit()


def _mode(value: object) -> str | None:
    return value if isinstance(value, str) and value in PAYMENT_MODES else None


async def record_payment_mode(uow: UnitOfWork, consumer: str, event: CloudEvent) -> None:
    """Keep a changed payment mode; end an autopay mandate the account no longer fits."""
    data = event.parse(AccountUpdated)
    mode = _mode(data.model_dump().get("payment_mode"))  # a declared field or an extra one
    async with uow:
        if await uow.first_time(consumer, event.id) and mode is not None \
                and await uow.accounts.get(data.account_id) is not None:
            await uow.accounts.set_payment_mode(data.account_id, mode)
            await _end_unsuitable_mandate(uow, data.account_id, mode)
        await uow.commit()


async def _end_unsuitable_mandate(uow: UnitOfWork, account_id: str, mode: str) -> None:
    mandate = await uow.methods.mandate(account_id)
    if mandate is not None and not mandate.suits(mode):
        await end_mandate(uow, mandate, "mode_unsuitable", f"the account became {mode}",
                          payment_mode=mode)
