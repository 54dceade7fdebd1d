"""Bearer tokens: EdDSA JWTs with issuer and audience; anything else is 401 problem+json."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import jwt
import pytest
import pytest_asyncio
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from tarifa.auth import CurrentPrincipal, Principal, Role
from tarifa.problems import PROBLEM_JSON, Forbidden, NotFound, Unauthorized, install_problem_handlers
from tarifa.testing.apps import bearer
from tarifa.tokens import PinnedKeys, TokenSigner, TokenVerifier

SIGNER = TokenSigner(Ed25519PrivateKey.generate())
OPERATOR = Principal("x", Role.OPERATOR)


def _app() -> FastAPI:
    app = FastAPI()
    app.state.token_verifier = SIGNER.verifier()
    install_problem_handlers(app)

    @app.get("/operators-only")
    async def operators_only(principal: CurrentPrincipal) -> dict[str, str]:
        principal.require(Role.OPERATOR)
        return {"subject": principal.subject}

    @app.get("/accounts/{account_id}")
    async def account(account_id: str, principal: CurrentPrincipal) -> dict[str, str]:
        principal.require_account(account_id)
        return {"account_id": account_id}

    return app


@pytest_asyncio.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_a_token_round_trips_its_principal() -> None:
    principal = Principal("sub-1", Role.SUBSCRIBER, "acc-1")
    assert await SIGNER.verifier().verify(SIGNER.issue(principal)) == principal


def test_a_token_is_eddsa_with_issuer_audience_and_the_published_key_id() -> None:
    token = SIGNER.issue(OPERATOR)
    [jwk] = SIGNER.jwks()["keys"]
    assert jwt.get_unverified_header(token) == {"alg": "EdDSA", "typ": "JWT", "kid": jwk["kid"]}
    claims = jwt.decode(token, jwt.PyJWK(jwk).key, algorithms=["EdDSA"], audience="tarifa",
                        issuer="tarifa-accounts")
    assert claims["role"] == "operator" and claims["exp"] - claims["iat"] == 3600
    assert set(jwk) == {"kty", "crv", "x", "kid", "alg", "use"} and "d" not in jwk


def _hs256_forgery() -> str:
    """A token a holder of a shared secret could make, with the right key id."""
    kid = SIGNER.jwks()["keys"][0]["kid"]
    return jwt.encode({"sub": "x", "role": "operator", "iss": "tarifa-accounts", "aud": "tarifa",
                       "iat": 1, "exp": 4102444800}, "s" * 32, algorithm="HS256",
                      headers={"kid": kid})


def _unsigned() -> str:
    payload = SIGNER.issue(OPERATOR).split(".")[1]
    none = base64.urlsafe_b64encode(json.dumps({"alg": "none"}).encode()).rstrip(b"=").decode()
    return f"{none}.{payload}."


@pytest.mark.parametrize("token", [
    "garbled", "a.b.c", "",
    TokenSigner(Ed25519PrivateKey.generate()).issue(OPERATOR),
    TokenSigner(SIGNER.key, ttl=timedelta(seconds=-120)).issue(OPERATOR),
    TokenSigner(SIGNER.key, issuer="someone-else").issue(OPERATOR),
    TokenSigner(SIGNER.key, audience="another-suite").issue(OPERATOR),
    _hs256_forgery(),
    _unsigned(),
])
async def test_foreign_expired_forged_and_misaddressed_tokens_are_refused(token: str) -> None:
    with pytest.raises(Unauthorized):
        await SIGNER.verifier().verify(token)


async def test_a_verifier_knows_only_the_keys_it_was_given() -> None:
    other = TokenSigner(Ed25519PrivateKey.generate())
    verifier = TokenVerifier(PinnedKeys.from_pem(other.public_pem()))
    assert (await verifier.verify(other.issue(OPERATOR))).role is Role.OPERATOR
    with pytest.raises(Unauthorized):
        await verifier.verify(SIGNER.issue(OPERATOR))


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer"},
    {"Authorization": "Basic dXNlcjpwYXNz"},
    {"Authorization": "Bearer not-a-jwt"},
    {"Authorization": "Bearer " + TokenSigner(SIGNER.key, ttl=timedelta(seconds=-120)).issue(
        OPERATOR)},
])
async def test_requests_without_a_valid_token_get_401_problem_json(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.get("/operators-only", headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["status"] == 401


async def test_roles_decide_what_a_principal_may_do(client: httpx.AsyncClient) -> None:
    operator = await client.get("/operators-only", headers=bearer(SIGNER, Role.OPERATOR))
    partner = await client.get("/operators-only", headers=bearer(SIGNER, Role.PARTNER))
    assert operator.status_code == 200 and operator.json() == {"subject": "test-operator"}
    assert partner.status_code == 403
    assert partner.headers["content-type"] == PROBLEM_JSON


async def test_a_subscriber_reaches_only_its_own_account(client: httpx.AsyncClient) -> None:
    mine = bearer(SIGNER, Role.SUBSCRIBER, account_id="acc-1")
    assert (await client.get("/accounts/acc-1", headers=mine)).status_code == 200
    assert (await client.get("/accounts/acc-2", headers=mine)).status_code == 404
    assert (await client.get("/accounts/acc-2", headers=bearer(SIGNER))).status_code == 200
    assert (await client.get("/accounts/acc-1",
                             headers=bearer(SIGNER, Role.PARTNER))).status_code == 403


def test_principal_checks_raise_the_problem_types() -> None:
    with pytest.raises(Forbidden):
        Principal("p", Role.PARTNER).require(Role.OPERATOR)
    with pytest.raises(NotFound):
        Principal("s", Role.SUBSCRIBER, "a").require_account("b")
