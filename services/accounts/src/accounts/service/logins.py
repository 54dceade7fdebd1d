"""Subscriber logins (seed 003): issued by an operator with the contract, a password set by the
subscriber with the setup code, exchanged for a subscriber token; locked after repeated failures.

Every failure answers ``InvalidLogin`` alike (unknown login, wrong password or code, locked
login, closed account), and an unknown login costs a hash as a known one does. Failures are
committed before the answer, so that parallel tries count as much as sequential ones.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from tarifa.auth import Principal, Role

from accounts.domain.audit import AuditEntry
from accounts.domain.errors import InvalidLogin, InvalidRequest, StateConflict, UnknownEntity
from accounts.domain.logins import (
    IssuedLogin,
    Login,
    check_password,
    new_login,
    new_setup_code,
    normalise_login,
)
from accounts.domain.policy import LoginPolicy
from accounts.service.accounts import load_account
from accounts.service.ports import PasswordHasher, TokenIssuer, UnitOfWork
from accounts.service.tokens import IssuedToken

__all__ = ["ChangePassword", "LoginServices", "change_password", "get_login", "issue_login",
           "password_login", "reset_login", "set_password"]

REFUSED = "the login or password is wrong"


@dataclass(frozen=True, slots=True)
class LoginServices:
    hasher: PasswordHasher
    issuer: TokenIssuer
    policy: LoginPolicy


@dataclass(frozen=True, slots=True)
class ChangePassword:
    account_id: str
    current: str
    new: str
    actor: str


async def _verify(services: LoginServices, hashed: str | None, secret: str) -> bool:
    return await asyncio.to_thread(services.hasher.verify, hashed, secret)


async def _setup(uow: UnitOfWork, services: LoginServices,
                 login: str) -> tuple[IssuedLogin, str]:
    code = new_setup_code()
    expires_at = uow.clock.now() + services.policy.setup_validity
    digest = await asyncio.to_thread(services.hasher.hash, code)
    return IssuedLogin(login, code, expires_at), digest


async def issue_login(uow: UnitOfWork, services: LoginServices, account_id: str,
                      wanted: str | None, actor: str) -> IssuedLogin:
    """A login for an account that has none, with its setup code, shown this once only."""
    name = normalise_login(wanted) if wanted is not None else new_login()
    issued, digest = await _setup(uow, services, name)
    async with uow:
        (await load_account(uow, account_id, lock=True)).check_open()
        if await uow.logins.of_account(account_id) is not None:
            raise StateConflict(f"account {account_id} has a login; reset it instead",
                                slug="login-exists")
        now = uow.clock.now()
        await uow.logins.add(Login(account_id, name, now, setup_hash=digest,
                                   setup_expires_at=issued.setup_expires_at))
        await uow.audit.record(AuditEntry(now, actor, "login.issued", "account", account_id,
                                          {"login": name}))
        await uow.commit()
    return issued


async def reset_login(uow: UnitOfWork, services: LoginServices, account_id: str,
                      actor: str) -> IssuedLogin:
    """Forget the password and unlock; the subscriber sets a new one with the new code."""
    async with uow:
        login = await _of_account(uow, account_id)
        issued, digest = await _setup(uow, services, login.login)
        await uow.logins.save(login.reissued(digest, issued.setup_expires_at))
        await uow.audit.record(AuditEntry(uow.clock.now(), actor, "login.reset", "account",
                                          account_id, {"login": login.login}))
        await uow.commit()
    return issued


async def _of_account(uow: UnitOfWork, account_id: str) -> Login:
    await load_account(uow, account_id)
    login = await uow.logins.of_account(account_id, lock=True)
    if login is None:
        raise UnknownEntity(f"account {account_id} has no login")
    return login


async def get_login(uow: UnitOfWork, account_id: str) -> Login:
    async with uow:
        return await _of_account(uow, account_id)


async def _failed(uow: UnitOfWork, services: LoginServices, login: Login) -> None:
    """Count the failure; the one that locks the login is audited."""
    now = uow.clock.now()
    after = login.failed(now, services.policy)
    await uow.logins.save(after)
    if after.locked_at(now):
        await uow.audit.record(AuditEntry(now, "system:login-lockout", "login.locked", "account",
                                          login.account_id, {"login": login.login,
                                                             "until": after.locked_until}))


async def _usable(uow: UnitOfWork, name: str) -> Login | None:
    """The login, held for this try, unless it is locked or its account closed."""
    try:
        login = await uow.logins.named(normalise_login(name), lock=True)
    except InvalidRequest:
        return None
    account = await uow.accounts.get(login.account_id) if login else None
    if login is None or account is None or account.closed or login.locked_at(uow.clock.now()):
        return None
    return login


def _token(services: LoginServices, login: Login) -> IssuedToken:
    principal = Principal(f"login:{login.login}", Role.SUBSCRIBER, login.account_id)
    return IssuedToken(services.issuer.issue(principal), int(services.issuer.ttl.total_seconds()))


async def password_login(uow: UnitOfWork, services: LoginServices, name: str,
                         password: str) -> IssuedToken:
    """A subscriber token for the login's account; ``InvalidLogin`` for any failure."""
    async with uow:
        login = await _usable(uow, name)
        matches = await _verify(services, login.password_hash if login else None, password)
        if login is not None:
            await (uow.logins.save(login.passed()) if matches
                   else _failed(uow, services, login))
        await uow.commit()
    if login is None or not matches:
        raise InvalidLogin(REFUSED)
    return _token(services, login)


async def set_password(uow: UnitOfWork, services: LoginServices, name: str, setup_code: str,
                       password: str) -> IssuedToken:
    """The first password (or the one after a reset), proven by the setup code; signs in."""
    login_name = name.strip().lower()
    check_password(password, login_name, services.policy)
    digest = await asyncio.to_thread(services.hasher.hash, password)
    async with uow:
        login = await _usable(uow, name)
        live = login is not None and login.setup_live_at(uow.clock.now())
        matches = await _verify(services, login.setup_hash if live and login else None,
                                setup_code.strip().upper())
        if login is not None:
            await (_password_set(uow, login, digest, "password.set",
                                 f"{Role.SUBSCRIBER}:login:{login.login}") if matches
                   else _failed(uow, services, login))
        await uow.commit()
    if login is None or not matches:
        raise InvalidLogin("the login or setup code is wrong or expired")
    return _token(services, login)


async def _password_set(uow: UnitOfWork, login: Login, digest: str, action: str,
                        actor: str) -> None:
    now = uow.clock.now()
    await uow.logins.save(login.with_password(digest, now))
    await uow.audit.record(AuditEntry(now, actor, action, "account", login.account_id,
                                      {"login": login.login}))


async def change_password(uow: UnitOfWork, services: LoginServices,
                          command: ChangePassword) -> None:
    """A new password, proven by the current one; wrong tries count towards the lockout."""
    async with uow:
        login = await _of_account(uow, command.account_id)
        check_password(command.new, login.login, services.policy)
        if login.locked_at(uow.clock.now()):
            raise StateConflict("the login is locked; try again later", slug="login-locked")
        if not await _verify(services, login.password_hash, command.current):
            await _failed(uow, services, login)
            await uow.commit()
            raise InvalidRequest("the current password is wrong", field="current_password")
        digest = await asyncio.to_thread(services.hasher.hash, command.new)
        await _password_set(uow, login, digest, "password.changed", command.actor)
        await uow.commit()
