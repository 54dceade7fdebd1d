"""Finding an account for an operator's desk: by one of its phone numbers (a line in service)
or by its number (the account's id)."""

from __future__ import annotations

import re
from collections.abc import Callable

from accounts.domain.errors import UnknownEntity
from accounts.service.accounts import AccountView, get_account
from accounts.service.ports import UnitOfWork

__all__ = ["find_accounts"]

PHONE = re.compile(r"^\+?[1-9][0-9]{6,14}$")


async def find_accounts(new_uow: Callable[[], UnitOfWork], query: str) -> list[AccountView]:
    """The accounts ``query`` names, at most one by phone number and one by number."""
    wanted = query.strip()
    found = [await _by_phone(new_uow, wanted.lstrip("+"))] if PHONE.match(wanted) else []
    found.append(await _by_number(new_uow, wanted))
    ids = {view.account.id: view for view in found if view is not None}
    return list(ids.values())


async def _by_phone(new_uow: Callable[[], UnitOfWork], msisdn: str) -> AccountView | None:
    async with new_uow() as uow:
        line = await uow.lines.active(msisdn)
    return None if line is None else await _by_number(new_uow, line.account_id)


async def _by_number(new_uow: Callable[[], UnitOfWork], account_id: str) -> AccountView | None:
    try:
        return await get_account(new_uow(), account_id)
    except UnknownEntity:
        return None
