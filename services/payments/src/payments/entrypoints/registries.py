"""``/v1/payment-registries``: registry files from banks and settlement systems (P5)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import UploadFile
from tarifa.audit import Actor
from tarifa.auth import CurrentPrincipal, Role
from tarifa.problems import InvalidInput, NotFound
from tarifa.sanity import InsaneInput, text_file
from tarifa.web.access import GuardedRoute

from payments.domain.registry import RegistryReport
from payments.entrypoints.errors import refusals
from payments.entrypoints.http import CHANNELS, payer_of
from payments.entrypoints.schemas import RegistryOut, UnmatchedRowOut
from payments.service.ports import UnitOfWork
from payments.service.registry import ImportRegistry, import_registry

__all__ = ["registries_router"]

_EXAMPLE = ("reference,account_or_msisdn,amount,currency,paid_at\n"
            "B-2026-000123,+37369000001,150.00,MDL,2026-02-03T10:00:00+02:00\n"
            "B-2026-000124,ACC-42,75.50,MDL,2026-02-03T11:30:00Z\n"
            "B-2026-000125,+37369999999,10.00,MDL,\n")
_FORMAT = f"""A registry file is CSV text in **UTF-8** (a byte order mark is allowed), at most
{{max_bytes}} bytes and {{max_rows}} rows, sent as the body (`text/csv`) or as the `file` field
of a `multipart/form-data` form.

- **Header row first**, naming the columns; names are case-insensitive, in any order, and
  columns the suite does not know are ignored.
- **Separator**: the first of comma `,`, semicolon `;` or tab that the header line holds, for
  the whole file. Fields may be quoted with `"` (a quote inside is doubled); lines end in LF or
  CRLF. Control characters other than tab and newline refuse the whole file.

Columns (all required but `paid_at`):

- `reference`: the channel's own id of the payment (receipt, bank transaction), at most 200
  characters; a reference pays **once**, whichever file brings it again (later rows are
  counted as `duplicates`).
- `account_or_msisdn`: the account number paid into, or the phone number (E.164, e.g.
  `+37369000001`) of one of its lines.
- `amount`: a positive decimal with a dot, at most the currency's minor digits (`150.00`).
- `currency`: the ISO 4217 code; it must be the account's currency.
- `paid_at`: when the payer paid, RFC 3339 with a UTC offset
  (`2026-02-03T10:00:00+02:00`); it dates the payment.

A file that is not a registry (not UTF-8, a control character, no header or a missing column,
a malformed quote, too many rows or bytes, a field too long) is refused whole with a
problem+json naming the line, and nothing is paid. Otherwise each row that names one account
in its currency is paid at once (`payments.payment.succeeded`); the others are kept with their
`problem` (`unknown_account`, `ambiguous`, `currency_mismatch`, `account_closed` (a closed
account is paid only up to what it owes), `no_reference`, `invalid_amount`, `invalid_paid_at`)
for an operator to assign or reject (`/v1/payment-registries/{{{{registry_id}}}}/rows`).

Example:

```
{_EXAMPLE}```
"""


def _upload(max_rows: int, max_bytes: int) -> dict[str, Any]:
    """The OpenAPI of the upload: the file format in words and an example of each media type."""
    return {"description": _FORMAT.format(max_rows=max_rows, max_bytes=max_bytes),
            "requestBody": {"required": True, "content": {
                "text/csv": {"schema": {"type": "string"}, "example": _EXAMPLE},
                "multipart/form-data": {
                    "schema": {"type": "object", "required": ["file"], "properties": {
                        "file": {"type": "string", "format": "binary",
                                 "description": "the registry file, as described above"}}},
                    "encoding": {"file": {"contentType": "text/csv"}}},
            }}}


def _out(report: RegistryReport) -> RegistryOut:
    unmatched = [UnmatchedRowOut(row=e.row, reference=e.reference,
                                 account_or_msisdn=e.account_or_msisdn, amount=e.amount,
                                 currency=e.currency, reason=e.reason, problem=e.problem)
                 for e in report.unmatched]
    return RegistryOut(id=report.id, rows=report.rows, matched=report.matched,
                       duplicates=report.duplicates, unmatched=unmatched,
                       created_at=report.created_at)


async def _file_text(request: Request, max_bytes: int) -> str:
    """The CSV text, sent as the body (text/csv) or as the ``file`` field of a form."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        async with request.form(max_files=1, max_fields=5) as form:
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise InvalidInput("send the registry as the form's file field")
            data = await upload.read(max_bytes + 1)
    else:
        data = await _body(request, max_bytes)
    if len(data) > max_bytes:
        raise _too_big(max_bytes)
    try:
        return text_file(data)
    except InsaneInput as exc:
        raise InvalidInput(f"registry file, {exc}", slug="invalid-registry") from exc


def _too_big(max_bytes: int) -> InvalidInput:
    return InvalidInput(f"a registry file is at most {max_bytes} bytes", slug="invalid-registry")


async def _body(request: Request, max_bytes: int) -> bytes:
    """The body, read no further than one byte past ``max_bytes`` (a huge upload stops there)."""
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > max_bytes:
            raise _too_big(max_bytes)
    return bytes(data)


def registries_router(new_uow: Callable[[], UnitOfWork], max_rows: int,
                      max_bytes: int) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1", tags=["payment registries"])

    @router.post("/payment-registries", status_code=201, response_model=RegistryOut,
                 openapi_extra=_upload(max_rows, max_bytes), dependencies=CHANNELS,
                 summary="Upload a payment registry file")
    async def upload(request: Request, principal: CurrentPrincipal) -> Any:
        command = ImportRegistry(await _file_text(request, max_bytes), payer_of(principal), max_rows)
        with refusals():
            return _out(await import_registry(new_uow().acting(Actor.of(principal)), command))

    @router.get("/payment-registries/{registry_id}", response_model=RegistryOut,
                dependencies=CHANNELS)
    async def read(registry_id: str, principal: CurrentPrincipal) -> Any:
        async with new_uow() as uow:
            report = await uow.registries.get_registry(registry_id)
        mine = report is not None and (principal.role is Role.OPERATOR
                                       or report.submitted_by == payer_of(principal))
        if report is None or not mine:
            raise NotFound(f"payment registry {registry_id} not found")
        return _out(report)

    return router
