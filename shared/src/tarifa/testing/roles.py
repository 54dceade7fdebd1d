"""The role matrix: every route of a running app, called by every kind of caller, against a table.

A service's test writes one row per route: who passes the route's declaration and what such a
caller then gets (the request carries a malformed body wherever the route takes one, so passing
shows as 422 and a refusal as 401/403/404 before any validation). From the row follow the answers
of everybody else: 401 without a token, 404 for a subscriber of another account where the route is
one account's, 403 for every other role. A route of the app with no row fails the test, and so
does a row for a route the app no longer has.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from tarifa.auth import Role
from tarifa.testing.apps import bearer
from tarifa.tokens import TokenSigner
from tarifa.web.access import GuardedRoute, access_of

__all__ = [
    "ACCOUNT",
    "ANYONE",
    "CHANNELS",
    "INGEST",
    "OPERATOR",
    "SUBSCRIBERS",
    "Caller",
    "Row",
    "Walk",
    "app_routes",
    "expected",
]

MALFORMED = b'{"not": json'


class Caller(StrEnum):
    NOBODY = "no token"
    OPERATOR = "operator"
    PARTNER = "partner"
    MEDIATION = "mediation"
    OWN = "subscriber of the account"
    OTHER = "subscriber of another account"


OPERATOR = frozenset({Caller.OPERATOR})
ACCOUNT = frozenset({Caller.OPERATOR, Caller.OWN})  # one account's route: others get 404
SUBSCRIBERS = frozenset({Caller.OPERATOR, Caller.OWN, Caller.OTHER})  # checked on the resource
CHANNELS = frozenset({Caller.OPERATOR, Caller.PARTNER})
INGEST = frozenset({Caller.OPERATOR, Caller.MEDIATION})
ANYONE = frozenset(Caller)


@dataclass(frozen=True, slots=True)
class Row:
    """Who passes a route's declaration, and the status such a caller then gets."""

    callers: frozenset[Caller]
    answer: int


def expected(row: Row, caller: Caller) -> int:
    if caller in row.callers:
        return row.answer
    if caller is Caller.NOBODY:
        return 401
    if caller is Caller.OTHER and Caller.OWN in row.callers:
        return 404
    return 403


def app_routes(app: FastAPI) -> Iterator[tuple[str, APIRoute]]:
    """``METHOD /path`` and the route, for every route the app serves."""
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute):
            for method in sorted(context.methods or ()):
                yield f"{method} {context.path}", route


@dataclass(frozen=True)
class Walk:
    """How to call the routes: the key that signs tokens and the two subscribers' accounts."""

    signer: TokenSigner
    own_account: str
    other_account: str
    path_values: Mapping[str, str]

    def headers(self, caller: Caller) -> dict[str, str]:
        roles = {Caller.OPERATOR: Role.OPERATOR, Caller.PARTNER: Role.PARTNER,
                 Caller.MEDIATION: Role.MEDIATION}
        if caller is Caller.NOBODY:
            return {}
        if caller in roles:
            return bearer(self.signer, roles[caller])
        account = self.own_account if caller is Caller.OWN else self.other_account
        return bearer(self.signer, Role.SUBSCRIBER, account_id=account)

    def url(self, path: str) -> str:
        values = {"account_id": self.own_account, **self.path_values}
        for name, value in values.items():
            path = path.replace("{" + name + "}", value)
        return path

    async def call(self, client: httpx.AsyncClient, key: str, route: APIRoute,
                   caller: Caller) -> int:
        method, path = key.split(" ", 1)
        takes_body = route.body_field is not None or "requestBody" in (route.openapi_extra or {})
        content = MALFORMED if takes_body else None
        headers = self.headers(caller) | {"content-type": "application/json"}
        response = await client.request(method, self.url(path), content=content, headers=headers)
        return response.status_code

    async def mismatches(self, app: FastAPI, client: httpx.AsyncClient,
                         table: Mapping[str, Row]) -> list[str]:
        """Every difference between the table and the app's answers, one line each."""
        found = dict(app_routes(app))
        wrong = [f"{key}: no row in the table" for key in found if key not in table]
        wrong += [f"{key}: in the table, not in the app" for key in table if key not in found]
        wrong += [f"{key}: declares no callers" for key, route in found.items()
                  if not isinstance(route, GuardedRoute) or access_of(route) is None]
        for key, row in table.items():
            if key in found:
                for caller in Caller:
                    got = await self.call(client, key, found[key], caller)
                    if got != expected(row, caller):
                        wrong.append(f"{key} by {caller}: {got}, expected {expected(row, caller)}")
        return wrong
