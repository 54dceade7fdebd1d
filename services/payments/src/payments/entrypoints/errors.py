"""How the payments use cases' refusals read as problem+json."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from tarifa.idempotency import KeyInFlight, KeyReused
from tarifa.money import InvalidAmount, parse_amount
from tarifa.problems import Conflict, InvalidInput, NotFound, Problem

from payments.domain.autopay import ModeUnsuitable
from payments.domain.closure import AccountClosed
from payments.domain.limits import LimitExceeded
from payments.domain.matching import NotAssignable, RowSettled
from payments.domain.payment import PaymentError
from payments.domain.registry import InvalidRegistry
from payments.service.matching import UnknownRow
from payments.service.offline import ReferenceTaken
from payments.service.ports import GatewayError
from payments.service.refunds import UnknownPayment

__all__ = ["GatewayUnavailable", "positive_amount", "refusals"]


class GatewayUnavailable(Problem):
    status, slug, title = 502, "gateway-unavailable", "Card gateway unavailable"


@contextmanager
def refusals() -> Iterator[None]:
    """Turn the refusals of a use case into the problems the contract names."""
    try:
        yield
    except KeyInFlight as exc:
        raise Conflict(str(exc), slug="idempotency-key-in-flight") from exc
    except KeyReused as exc:
        raise InvalidInput(str(exc), slug="idempotency-key-reused") from exc
    except UnknownPayment as exc:
        raise NotFound(str(exc)) from exc
    except LimitExceeded as exc:
        raise InvalidInput(str(exc), slug="payment-limit") from exc
    except InvalidRegistry as exc:
        raise InvalidInput(str(exc), slug="invalid-registry") from exc
    except UnknownRow as exc:
        raise NotFound(str(exc)) from exc
    except ReferenceTaken as exc:
        raise Conflict(str(exc), slug="payment-reference-taken") from exc
    except RowSettled as exc:
        raise Conflict(str(exc), slug="registry-row-settled") from exc
    except NotAssignable as exc:
        raise InvalidInput(str(exc), slug="registry-row-unassignable") from exc
    except AccountClosed as exc:
        raise Conflict(str(exc), slug="account-closed") from exc
    except ModeUnsuitable as exc:
        raise InvalidInput(str(exc), slug="autopay-mode-unsuitable") from exc
    except PaymentError as exc:
        raise InvalidInput(str(exc), slug="payment-refused") from exc
    except GatewayError as exc:
        raise GatewayUnavailable(str(exc)) from exc


def positive_amount(text: str, currency: str, field: str = "amount") -> Decimal:
    """``text`` checked as a positive amount in ``currency`` (422 naming ``field`` otherwise)."""
    try:
        amount = parse_amount(text, currency)
    except InvalidAmount as exc:
        raise InvalidInput(str(exc), errors=[{"field": field, "message": str(exc)}]) from exc
    if amount <= 0:
        raise InvalidInput(f"{field} must be positive",
                           errors=[{"field": field, "message": "must be positive"}])
    return amount
