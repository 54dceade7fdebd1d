"""AsyncAPI documentation of what a service publishes through its outbox.

Publishing goes through the outbox relay, never through these publishers; they exist so that
the generated AsyncAPI document names each event with its data schema.
"""

from __future__ import annotations

from faststream.rabbit import RabbitBroker

from tarifa.messaging.catalogue import CATALOGUE
from tarifa.messaging.topology import events_exchange

__all__ = ["document_published"]


def document_published(broker: RabbitBroker, routing_keys: list[str]) -> None:
    for key in routing_keys:
        model = CATALOGUE[key]
        broker.publisher(
            routing_key=key, exchange=events_exchange(), title=key, schema=model,
            description=f"{key}: CloudEvents 1.0 envelope (type tarifa.{key}), data as the schema; "
            "published through the outbox, persistent; the extension attribute correlationid "
            "(and the AMQP correlation_id) names the work it is part of",
        )
