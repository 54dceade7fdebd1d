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

from payments.domain.registry import COLUMNS, RegistryReport
from payments.entrypoints.errors import refusals
from payments.entrypoints.http import CHANNELS, payer_of
from payments.entrypoints.schemas import RegistryOut, UnmatchedRowOut
from payments.service.ports import UnitOfWork
from payments.service.registry import ImportRegistry, import_registry

__all__ = ["registries_router"]

_UPLOAD = {"requestBody": {"required": True, "content": {
    "text/csv": {"schema": {"type": "string"},
                 "example": ",".join(COLUMNS) + "\nB-1,+37369000001,150.00,MDL,2026-02-03T10:00:00+02:00"},
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary"}}}},
}}}


def _out(report: RegistryReport) -> RegistryOut:
    unmatched = [UnmatchedRowOut(row=e.row, reference=e.reference,
                                 account_or_msisdn=e.account_or_msisdn, amount=e.amount,
                                 currency=e.currency, reason=e.reason) for e in report.unmatched]
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
        data = await request.body()
    if len(data) > max_bytes:
        raise InvalidInput(f"a registry file is at most {max_bytes} bytes")
    try:
        return text_file(data)
    except InsaneInput as exc:
        raise InvalidInput(f"registry file, {exc}", slug="invalid-registry") from exc


def registries_router(new_uow: Callable[[], UnitOfWork], max_rows: int,
                      max_bytes: int) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1", tags=["payment registries"])

    @router.post("/payment-registries", status_code=201, response_model=RegistryOut,
                 openapi_extra=_UPLOAD, dependencies=CHANNELS)
    async def upload(request: Request, principal: CurrentPrincipal) -> Any:
        """Pay the rows that match an account; keep the rest for manual matching; skip repeats."""
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
