"""What the committed AsyncAPI documents say of every channel (they match the code: see
test_docs_up_to_date): each consumer names the payload it reads, each publisher persistent
delivery, and each event envelope the correlation id."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs" / "asyncapi"
DOCUMENTS = sorted(DOCS.glob("*.json"))


def _operations(document: dict[str, Any], action: str) -> list[tuple[str, dict[str, Any]]]:
    return [(name, op) for name, op in document["operations"].items() if op["action"] == action]


def _payloads(document: dict[str, Any], channel: str) -> list[dict[str, Any]]:
    messages = document["channels"][channel]["messages"].values()
    return [document["components"]["messages"][m["$ref"].rsplit("/", 1)[1]]["payload"]
            for m in messages]


def _schema(document: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = document["components"]["schemas"][payload["$ref"].rsplit("/", 1)[1]]
    return found


@pytest.mark.parametrize("path", DOCUMENTS, ids=[p.stem for p in DOCUMENTS])
def test_every_consumer_channel_names_a_real_payload_schema(path: Path) -> None:
    document = json.loads(path.read_text())
    received = _operations(document, "receive")
    assert received
    for name, operation in received:
        channel = operation["channel"]["$ref"].rsplit("/", 1)[1]
        for payload in _payloads(document, channel):
            schema = _schema(document, payload)
            assert schema.get("type") == "object" and schema.get("properties"), (name, schema)


@pytest.mark.parametrize("path", DOCUMENTS, ids=[p.stem for p in DOCUMENTS])
def test_every_published_event_is_persistent_and_carries_the_correlation_id(path: Path) -> None:
    document = json.loads(path.read_text())
    for name, operation in _operations(document, "send"):
        assert operation["bindings"]["amqp"]["deliveryMode"] == 2, name
        channel = operation["channel"]["$ref"].rsplit("/", 1)[1]
        for payload in _payloads(document, channel):
            schema = _schema(document, payload)
            assert {"correlationid", "data", "type"} <= set(schema["required"]), name
            assert schema["properties"]["type"]["const"] == f"tarifa.{name}"
