"""The HTTP API of documents: verifying a PDF, the print batch of a billing run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request, Response
from tarifa.auth import Role, allow
from tarifa.problems import InvalidInput, NotFound
from tarifa.web.access import GuardedRoute

from invoicing.entrypoints.errors import TooLarge, UnsupportedMediaType
from invoicing.entrypoints.schemas import VerificationOut
from invoicing.service.ports import DocumentVerifier, UnitOfWork
from invoicing.service.print_batches import PRINT_BATCH

__all__ = ["documents_router"]

PDF: dict[str, dict[str, Any]] = {"application/pdf": {}}
_ACCEPTED = ("application/pdf", "application/octet-stream")
_PDF_BODY = {"requestBody": {"required": True, "content": {
    "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}


def _check_media_type(request: Request) -> None:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in _ACCEPTED:
        raise UnsupportedMediaType(f"send the document as application/pdf, not {media_type!r}")


async def _pdf_body(request: Request, limit: int) -> bytes:
    """The raw body, refused as soon as it is known to exceed ``limit`` bytes."""
    _check_media_type(request)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"a document to verify has at most {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise TooLarge(f"a document to verify has at most {limit} bytes")
    if not body:
        raise InvalidInput("the body is empty: send the PDF document",
                           errors=[{"field": "body", "message": "empty"}])
    return bytes(body)


def documents_router(new_uow: Callable[[], UnitOfWork], verifier: DocumentVerifier,
                     max_bytes: int) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1", tags=["documents"])

    @router.post("/documents/verify", response_model=VerificationOut, openapi_extra=_PDF_BODY,
                 dependencies=[allow(Role.OPERATOR, Role.SUBSCRIBER)],
                 responses={413: {"description": "a document too large"},
                            415: {"description": "not sent as application/pdf"}})
    async def verify_document(request: Request) -> Any:
        """Whether a PDF is an intact e-bill of this operator, signed and timestamped."""
        verdict = await verifier.verify(await _pdf_body(request, max_bytes))
        return verdict.as_json()

    @router.get("/billing-runs/{run_id}/print-batch", response_class=Response,
                responses={200: {"content": PDF, "description": "the run's paper statements"}},
                dependencies=[allow(Role.OPERATOR)])
    async def get_print_batch(run_id: str) -> Response:
        async with new_uow() as uow:
            content = await uow.documents.get(run_id, PRINT_BATCH)
        if content is None:
            raise NotFound(f"billing run {run_id} has no print batch")
        return Response(content, media_type="application/pdf")

    return router
