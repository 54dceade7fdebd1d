"""What ``make docs`` runs: each service's OpenAPI and AsyncAPI documents, written to ``docs/``.

For every service, the app is built as ``bootstrap.build_app`` builds it (no server is
contacted) and its documents are written as ``docs/openapi/<service>.json`` and
``docs/asyncapi/<service>.json`` (AsyncAPI 3.0), sorted and indented so that a change shows
as a readable diff. ``tests/test_docs_up_to_date.py`` checks the committed files.

Usage: ``python deploy/local/generate_docs.py [--out DIR]`` (default: the repository's docs/).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from faststream.specification import AsyncAPI
from pydantic import BaseModel
from tarifa.messaging.docs import document_consumed
from tarifa.settings import ServiceSettings

SERVICES = ("accounts", "rating", "invoicing", "payments", "notifications")
ROOT = Path(__file__).resolve().parents[2]

# Harmless, fixed settings: the documents must not depend on the machine they are built on.
DOC_SETTINGS: dict[str, Any] = {
    "jwt_secret": "documentation-only-secret-0123456789abcdef",
    "test_mode": False,
    "amqp_url": "amqp://guest:guest@localhost:5672/",
    "database_url": "postgresql://postgres@localhost:5432/tarifa_docs",
}
QUEUE_BODIES = {"rating.usage.ingest": ("rating.entrypoints.schemas", "UsageBody"),
                "notifications.otp": ("notifications.entrypoints.schemas", "CodeMessage"),
                "#": ("tarifa.messaging.envelope", "CloudEvent")}
"""Queues of the default exchange that take a body of their own, not a catalogued event, and
consumers bound to every routing key (``#``, the webhooks), which take any CloudEvent."""


def queue_bodies() -> dict[str, type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    for queue, (module, name) in QUEUE_BODIES.items():
        try:
            found[queue] = getattr(importlib.import_module(module), name)
        except ModuleNotFoundError:
            continue
    return found


def build(service: str) -> FastAPI | None:
    """The service's app, or None (with a message) when it has no bootstrap yet."""
    try:
        bootstrap = importlib.import_module(f"{service}.bootstrap")
        settings_module = importlib.import_module(f"{service}.settings")
    except ModuleNotFoundError as exc:
        print(f"skipping {service}: {exc}", file=sys.stderr)
        return None
    settings_class: type[ServiceSettings] = getattr(settings_module,
                                                    f"{service.capitalize()}Settings")
    app: FastAPI = bootstrap.build_app(settings_class(**DOC_SETTINGS))
    return app


def asyncapi(service: str, app: FastAPI) -> Any:
    broker = app.state.runtime.broker
    spec = AsyncAPI(broker, title=f"Tarifa {service}", version=app.version,
                    description=f"Events {service} publishes and consumes on tarifa.events.",
                    schema_version="3.0.0")
    document = spec.to_specification().to_jsonable()
    unknown = document_consumed(document, queue_bodies())
    if unknown:
        print(f"{service}: no payload schema for {', '.join(unknown)}", file=sys.stderr)
    return document


def write(path: Path, document: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def generate(out: Path) -> list[str]:
    """Write the documents of every service that can be built; return their names."""
    done = []
    for service in SERVICES:
        app = build(service)
        if app is None:
            continue
        write(out / "openapi" / f"{service}.json", app.openapi())
        write(out / "asyncapi" / f"{service}.json", asyncapi(service, app))
        done.append(service)
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write docs/openapi and docs/asyncapi.")
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    out: Path = parser.parse_args(argv).out
    done = generate(out)
    print(f"wrote the documents of {', '.join(done) or 'no service'} to {out}")
    return 0 if done else 1


if __name__ == "__main__":
    sys.exit(main())
