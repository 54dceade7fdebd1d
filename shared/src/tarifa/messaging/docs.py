"""AsyncAPI documentation of what a service publishes and consumes on ``tarifa.events``.

Publishing goes through the outbox relay, never through the publishers declared here; they
exist so that the generated document names each event with its envelope and data schema, and
says that it is sent persistent (``deliveryMode: 2``).

A consumer reads the raw message (to reject what is not a CloudEvent at once), so FastStream
cannot see what it expects; ``document_consumed`` writes each consumer channel's payload into
the generated document: the envelope of the event its routing key names, or the body a
queue of the default exchange takes (``extra``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import Any, Literal

from faststream.rabbit import RabbitBroker
from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.json_schema import SkipJsonSchema

from tarifa.messaging.catalogue import CATALOGUE
from tarifa.messaging.topology import events_exchange

__all__ = ["document_consumed", "document_published", "event_envelope"]

_SCHEMAS = "#/components/schemas/"


def _no_default(schema: dict[str, Any]) -> None:
    # an attribute without a value is absent, never null
    schema.pop("default", None)


class _Envelope(BaseModel):
    """A CloudEvents 1.0 event in structured JSON mode; no attribute is ever null."""

    model_config = ConfigDict(extra="allow")

    specversion: Literal["1.0"]
    id: str = Field(description="unique per event; the AMQP message_id")
    source: str = Field(description="tarifa/<service>")
    type: str
    time: datetime
    subject: str | SkipJsonSchema[None] = Field(
        None, description="the account the event is about, when it is about one; left out "
        "otherwise", json_schema_extra=_no_default)
    datacontenttype: Literal["application/json"]
    correlationid: str = Field(
        description="extension attribute: the work (request, batch) this event is part of; "
                    "also the AMQP correlation_id")


@cache
def event_envelope(routing_key: str) -> type[BaseModel]:
    """The envelope of the event ``routing_key``, its ``data`` as the catalogue model."""
    data = CATALOGUE[routing_key]
    model: type[BaseModel] = create_model(
        f"{data.__name__}Event", __base__=_Envelope,
        __doc__=f"CloudEvents 1.0 envelope of {routing_key}.",
        type=(str, Field(json_schema_extra={"const": f"tarifa.{routing_key}"})),
        data=(data, ...),
    )
    return model


def document_published(broker: RabbitBroker, routing_keys: list[str]) -> None:
    for key in routing_keys:
        broker.publisher(
            routing_key=key, exchange=events_exchange(), title=key,
            schema=event_envelope(key), persist=True,
            description=f"{key}: CloudEvents 1.0 envelope (type tarifa.{key}); published "
            "through the outbox, persistent, mandatory, with publisher confirms",
        )


def _add_schema(document: dict[str, Any], model: type[BaseModel]) -> dict[str, str]:
    """Put ``model`` (and the models it uses) into the components; return its reference."""
    schema = model.model_json_schema(ref_template=_SCHEMAS + "{model}")
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name, nested in schema.pop("$defs", {}).items():
        schemas.setdefault(name, nested)
    schemas.setdefault(model.__name__, schema)
    return {"$ref": _SCHEMAS + model.__name__}


def _payload_model(address: str, extra: Mapping[str, type[BaseModel]]) -> type[BaseModel] | None:
    if address in extra:
        return extra[address]
    return event_envelope(address) if address in CATALOGUE else None


def _received_messages(document: dict[str, Any]) -> list[tuple[str, str]]:
    """(channel address, component message name) of every channel a consumer reads."""
    found = []
    for operation in document.get("operations", {}).values():
        if operation.get("action") != "receive":
            continue
        channel = document["channels"][operation["channel"]["$ref"].rsplit("/", 1)[1]]
        for ref in channel.get("messages", {}).values():
            found.append((channel.get("address", ""), ref["$ref"].rsplit("/", 1)[1]))
    return found


def document_consumed(document: dict[str, Any],
                      extra: Mapping[str, type[BaseModel]] | None = None) -> list[str]:
    """Give each consumer channel of an AsyncAPI 3 ``document`` its payload schema, in place.

    Returns the addresses left without one (none, when every consumed event is catalogued).
    """
    unknown = []
    messages = document.get("components", {}).get("messages", {})
    for address, message in _received_messages(document):
        model = _payload_model(address, extra or {})
        if model is None:
            unknown.append(address)
            continue
        messages[message]["payload"] = _add_schema(document, model)
    _drop_unused(document, "EmptyPayload")
    return unknown


def _drop_unused(document: dict[str, Any], name: str) -> None:
    schemas = document.get("components", {}).get("schemas", {})
    if name in schemas and f'"{_SCHEMAS}{name}"' not in json.dumps(document):
        del schemas[name]
