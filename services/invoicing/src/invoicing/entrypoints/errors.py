"""How the invoicing use cases' refusals read as problem+json."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tarifa.idempotency import KeyInFlight, KeyReused
from tarifa.problems import Conflict, InvalidInput, NotFound, Problem

from invoicing.domain.credit_note import CreditError
from invoicing.domain.detailed_bill import DetailedBillError
from invoicing.service.credit_notes import InvoiceNotFound
from invoicing.service.detailed_bills import AccountNotFound

__all__ = ["TooLarge", "UnsupportedMediaType", "refusals"]


class TooLarge(Problem):
    status, slug, title = 413, "payload-too-large", "Payload too large"


class UnsupportedMediaType(Problem):
    status, slug, title = 415, "unsupported-media-type", "Unsupported media type"


@contextmanager
def refusals() -> Iterator[None]:
    """Turn the refusals of a use case into the problems the contract names."""
    try:
        yield
    except KeyInFlight as exc:
        raise Conflict(str(exc), slug="idempotency-key-in-flight") from exc
    except KeyReused as exc:
        raise InvalidInput(str(exc), slug="idempotency-key-reused") from exc
    except (InvoiceNotFound, AccountNotFound) as exc:
        raise NotFound(str(exc)) from exc
    except CreditError as exc:
        raise InvalidInput(str(exc), slug="credit-refused",
                           errors=[{"field": "amount", "message": str(exc)}]) from exc
    except DetailedBillError as exc:
        raise InvalidInput(str(exc), slug="detailed-bill-refused",
                           errors=[{"field": "from", "message": str(exc)}]) from exc
