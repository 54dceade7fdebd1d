"""The token endpoint with OAuth2 client credentials, against the running app."""

from __future__ import annotations

import httpx
import jwt


def _form(client_id: str = "operator", secret: str = "operator-secret") -> dict[str, str]:
    return {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}


async def test_a_known_client_gets_a_token_for_its_role(client: httpx.AsyncClient,
                                                         jwt_secret: str) -> None:
    response = await client.post("/v1/auth/token", data=_form("partner", "partner-secret"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] > 0
    assert response.headers["cache-control"] == "no-store"
    claims = jwt.decode(body["access_token"], jwt_secret, algorithms=["HS256"])
    assert (claims["sub"], claims["role"]) == ("partner", "partner")


async def test_mediation_is_a_client_with_its_own_role(client: httpx.AsyncClient,
                                                      jwt_secret: str) -> None:
    response = await client.post("/v1/auth/token", data=_form("mediation", "mediation-secret"))
    assert response.status_code == 200, response.text
    claims = jwt.decode(response.json()["access_token"], jwt_secret, algorithms=["HS256"])
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
