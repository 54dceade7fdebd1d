"""Translating the accounts domain errors into problem+json answers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tarifa.problems import Conflict, InvalidInput, NotFound, Problem, Unauthorized

from accounts.domain.errors import (
    BadCredentials,
    InvalidCode,
    InvalidLogin,
    InvalidRequest,
    LoginTaken,
    MsisdnTaken,
    StateConflict,
    TooManyRequests,
    UnknownEntity,
)

__all__ = ["RateLimited", "problems"]


class RateLimited(Problem):
    status, slug, title = 429, "too-many-requests", "Too many requests"


@contextmanager
def problems() -> Iterator[None]:
    try:
        yield
    except InvalidRequest as exc:
        errors = [{"field": exc.field, "message": str(exc)}] if exc.field else []
        raise InvalidInput(str(exc), errors=errors) from exc
    except UnknownEntity as exc:
        raise NotFound(str(exc)) from exc
    except StateConflict as exc:
        raise Conflict(str(exc), slug=exc.slug) from exc
    except LoginTaken as exc:
        raise Conflict(str(exc), slug="login-taken") from exc
    except InvalidLogin as exc:
        raise Unauthorized(str(exc), slug="invalid-login") from exc
    except MsisdnTaken as exc:
        raise Conflict(str(exc), slug="msisdn-taken") from exc
    except BadCredentials as exc:
        raise Unauthorized(str(exc), slug="invalid-client") from exc
    except InvalidCode as exc:
        raise Unauthorized(str(exc), slug="invalid-code") from exc
    except TooManyRequests as exc:
        raise RateLimited(str(exc), slug="too-many-codes", retry_after=exc.retry_after) from exc
