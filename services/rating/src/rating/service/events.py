"""Events rating publishes that the shared catalogue (``tarifa.messaging.catalogue``) does not
list (yet): their data models, for the outbox and the AsyncAPI document."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from tarifa.messaging.catalogue import EventData

__all__ = ["UsageBatchProcessed"]

Source = Literal["amqp", "http", "csv"]
"""The ingest paths a batch arrives by."""


class UsageBatchProcessed(EventData):
    """The report of one ingest batch: how many of its records were rated, were known already,
    were refused (kept with their reasons, ``GET /v1/usage/rejections``) and were parked until
    their line is known."""

    routing_key = "rating.usage.batch_processed"
    batch_id: str
    source: Source = Field(description="the ingest path: amqp (rating.usage.ingest), http "
                                       "(POST /v1/usage as JSON) or csv (POST /v1/usage as CSV)")
    accepted: int = Field(ge=0, description="records rated")
    duplicates: int = Field(ge=0, description="records stored or parked already, or repeated "
                                              "in the batch")
    rejected: int = Field(ge=0, description="records refused, kept with their reasons")
    parked: int = Field(ge=0, description="records of lines not known yet, rated once the line "
                                          "is known")
