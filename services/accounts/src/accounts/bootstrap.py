"""Wiring of the accounts service: the only module that imports every layer."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from tarifa.runtime import build_runtime, create_app
from tarifa.scheduling import Scheduler
from tarifa.signing_key import load_or_create_signing_key, private_pem
from tarifa.tokens import TokenSigner
from tarifa.web.audit import audit_router

from accounts.adapters.otp_sender import AmqpCodeSender
from accounts.adapters.passwords import Argon2Hasher
from accounts.adapters.uow import AccountsUnitOfWork
from accounts.domain.clients import ApiClient, ClientRegistry
from accounts.domain.closing import ClosingPolicy
from accounts.domain.otp import CodeHasher
from accounts.domain.policy import AccountsPolicy, LoginPolicy, OtpPolicy
from accounts.entrypoints.closing import closing_router
from accounts.entrypoints.consumers import register_consumers
from accounts.entrypoints.http import accounts_router
from accounts.entrypoints.lifecycle import lifecycle_router
from accounts.entrypoints.logins import login_router
from accounts.entrypoints.otp import otp_router
from accounts.entrypoints.payment_mode import payment_mode_router
from accounts.entrypoints.profile import profile_router
from accounts.entrypoints.search import search_router
from accounts.entrypoints.tokens import jwks_router, token_router
from accounts.service.jobs import run_due_jobs
from accounts.service.logins import LoginServices
from accounts.service.otp import OtpServices
from accounts.settings import AccountsSettings

__all__ = ["MIGRATIONS", "build_app"]

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
PUBLISHES = [
    "accounts.account.opened",
    "accounts.account.updated",
    "accounts.line.activated",
    "accounts.line.plan_changed",
    "accounts.line.closed",
    "accounts.account.closed",
    "accounts.account.suspended",
    "accounts.account.resumed",
    "accounts.account.blocked",
    "accounts.account.unblocked",
    "accounts.promised_payment.granted",
    "accounts.promised_payment.expired",
    "accounts.promised_payment.expiring",
    "accounts.account.resuming",
    "accounts.bonus.awarded",
    "accounts.bonus.redeemed",
]


def _clients(settings: AccountsSettings) -> ClientRegistry:
    return ClientRegistry(ApiClient(client_id, client.secret.get_secret_value(), client.role)
                          for client_id, client in settings.clients.items())


def _policy(settings: AccountsSettings) -> AccountsPolicy:
    return AccountsPolicy(
        ebill_bonus_points=settings.ebill_bonus_points,
        suspension_max_days=settings.suspension_max_days,
        promised_payment_length=timedelta(days=settings.promised_payment_days),
        promised_payment_reuse=timedelta(days=settings.promised_payment_reuse_days),
        bonus_point_value=settings.bonus_point_value,
        postpaid_grace_days=settings.postpaid_grace_days,
    )


def _code_hasher(settings: AccountsSettings, signing_key: Ed25519PrivateKey) -> CodeHasher:
    """The HMAC key of stored codes: its own setting, or one derived from the signing key."""
    if settings.otp_secret is not None:
        return CodeHasher(settings.otp_secret.get_secret_value().encode())
    return CodeHasher(hmac.new(private_pem(signing_key), b"tarifa-accounts-otp",
                               hashlib.sha256).digest())


def _signer(settings: AccountsSettings) -> TokenSigner:
    return TokenSigner(load_or_create_signing_key(settings.jwt_key_file),
                       issuer=settings.jwt_issuer, audience=settings.jwt_audience)


def _otp_policy(settings: AccountsSettings) -> OtpPolicy:
    return OtpPolicy(validity=settings.otp_validity, max_tries=settings.otp_max_tries,
                     per_number=settings.otp_per_number, per_client=settings.otp_per_client)


def _logins(settings: AccountsSettings, signer: TokenSigner) -> LoginServices:
    return LoginServices(Argon2Hasher(), signer, LoginPolicy(
        max_failures=settings.login_max_failures, lockout=settings.login_lockout,
        setup_validity=settings.login_setup_validity, min_length=settings.password_min_length))


def build_app(settings: AccountsSettings) -> FastAPI:
    signer = _signer(settings)
    runtime = build_runtime(settings, verifier=signer.verifier())

    def new_uow() -> AccountsUnitOfWork:
        return AccountsUnitOfWork(runtime.sessions, service="accounts", clock=runtime.clock,
                                  on_commit=runtime.relay.wake)

    async def run_due() -> int:
        return await run_due_jobs(new_uow)

    async def clock_moved(_now: datetime) -> None:
        await run_due()

    scheduler = Scheduler("accounts-due-jobs", run_due, interval=settings.jobs_interval)
    runtime.on_start.append(scheduler.start)
    runtime.on_stop.insert(0, scheduler.stop)
    runtime.on_clock_move.append(clock_moved)
    policy = _policy(settings)
    register_consumers(runtime, new_uow, policy)
    runtime.publishes(PUBLISHES)
    sender = AmqpCodeSender(runtime.broker)
    runtime.on_start.append(sender.start)
    runtime.on_stop.insert(0, sender.stop)
    codes = OtpServices(_code_hasher(settings, signer.key), sender, signer, _otp_policy(settings))
    routers = [token_router(_clients(settings), signer), jwks_router(signer.jwks()),
               otp_router(new_uow, codes), login_router(new_uow, _logins(settings, signer)),
               accounts_router(new_uow), profile_router(new_uow), search_router(new_uow),
               lifecycle_router(new_uow, policy), payment_mode_router(new_uow),
               closing_router(new_uow, ClosingPolicy(
                   timedelta(days=settings.number_quarantine_days))),
               audit_router(new_uow, tag="accounts")]
    return create_app(runtime, title="Tarifa accounts", routers=routers,
                      description="Accounts: customers, billing accounts, lines, lifecycle, "
                                  "bonus points and tokens.")
