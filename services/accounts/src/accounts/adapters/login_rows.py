"""SQL storage of subscriber logins: hashes of passwords and setup codes, never the secrets."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.adapters.tables import logins
from accounts.domain.errors import LoginTaken
from accounts.domain.logins import Login

__all__ = ["SqlLogins"]


class SqlLogins:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, login: Login) -> None:
        try:
            async with self._session.begin_nested():
                await self._session.execute(logins.insert().values(asdict(login)))
        except IntegrityError as exc:
            raise LoginTaken(f"the login {login.login} is taken") from exc

    async def _one(self, statement: Select[tuple[object, ...]], lock: bool) -> Login | None:
        if lock:
            statement = statement.with_for_update()
        row = (await self._session.execute(statement)).mappings().first()
        return Login(**row) if row else None

    async def of_account(self, account_id: str, *, lock: bool = False) -> Login | None:
        return await self._one(select(logins).where(logins.c.account_id == account_id), lock)

    async def named(self, login: str, *, lock: bool = False) -> Login | None:
        return await self._one(select(logins).where(logins.c.login == login), lock)

    async def save(self, login: Login) -> None:
        values = asdict(login)
        await self._session.execute(logins.update().where(
            logins.c.account_id == values.pop("account_id")).values(values))
