"""The token endpoint with OAuth2 client credentials, against the running app."""

from __future__ import annotations

from typing import Any

import httpx
import jwt


async def _claims(client: httpx.AsyncClient, token: str) -> dict[str, Any]:
    """The token's claims, checked the way any JWT library would with the published JWKS."""
    jwks = (await client.get("/.well-known/jwks.json")).json()
    key = jwt.PyJWKSet.from_dict(jwks)[jwt.get_unverified_header(token)["kid"]]
    return jwt.decode(token, key, algorithms=["EdDSA"], audience="tarifa",
                      issuer="tarifa-accounts")


def _form(client_id: str = "operator", secret: str = "operator-secret") -> dict[str, str]:
    return {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}


async def test_a_known_client_gets_a_token_for_its_role(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/auth/token", data=_form("partner", "partner-secret"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] > 0
    assert response.headers["cache-control"] == "no-store"
    claims = await _claims(client, body["access_token"])
    assert (claims["sub"], claims["role"]) == ("partner", "partner")


async def test_mediation_is_a_client_with_its_own_role(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/auth/token", data=_form("mediation", "mediation-secret"))
    assert response.status_code == 200, response.text
    claims = await _claims(client, response.json()["access_token"])
    assert (claims["sub"], claims["role"]) == ("mediation", "mediation")
    refused = await client.get("/v1/customers/nobody",
                               headers={"Authorization": f"Bearer {response.json()['access_token']}"})
    assert refused.status_code == 403


async def test_the_issued_token_opens_the_api(client: httpx.AsyncClient) -> None:
    token = (await client.post("/v1/auth/token", data=_form())).json()["access_token"]
    response = await client.get("/v1/customers/nobody",
                                headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404


async def test_a_wrong_secret_or_unknown_client_is_unauthorized(client: httpx.AsyncClient) -> None:
    for form in (_form(secret="operator-secreT"), _form("nobody", "operator-secret"),
                 _form("partner", "operator-secret")):
        response = await client.post("/v1/auth/token", data=form)
        assert response.status_code == 401, form
        assert response.headers["content-type"] == "application/problem+json"
        assert "access_token" not in response.json()


async def test_a_missing_or_other_grant_type_is_invalid_input(client: httpx.AsyncClient) -> None:
    missing = {k: v for k, v in _form().items() if k != "grant_type"}
    for form in (missing, _form() | {"grant_type": "password"}):
        response = await client.post("/v1/auth/token", data=form)
        assert response.status_code == 422, form
        assert response.headers["content-type"] == "application/problem+json"


async def test_the_public_keys_are_published_without_a_token_and_hold_no_secret(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    [key] = response.json()["keys"]
    assert (key["kty"], key["crv"], key["alg"], key["use"]) == ("OKP", "Ed25519", "EdDSA", "sig")
    assert "d" not in key
    assert "max-age" in response.headers["cache-control"]


async def test_a_token_signed_with_a_shared_secret_is_refused(client: httpx.AsyncClient) -> None:
    kid = (await client.get("/.well-known/jwks.json")).json()["keys"][0]["kid"]
    forged = jwt.encode({"sub": "x", "role": "operator", "iss": "tarifa-accounts",
                         "aud": "tarifa", "iat": 1, "exp": 4102444800},
                        "a-guessed-shared-secret-0123456789", algorithm="HS256",
                        headers={"kid": kid})
    response = await client.get("/v1/customers/nobody",
                                headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
