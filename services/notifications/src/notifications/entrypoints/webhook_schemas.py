"""HTTP bodies of the webhooks API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from tarifa.fields import Text

__all__ = ["AttemptOut", "AttemptPageOut", "EndpointBody", "EndpointChangeBody", "EndpointOut",
           "EndpointWithSecretOut"]

EventType = Annotated[Text, Field(min_length=3, max_length=200,
                                  examples=["invoicing.invoice.issued"])]
Url = Annotated[Text, Field(min_length=8, max_length=2000,
                            examples=["https://billing-hooks.example.com/tarifa"])]
Description = Annotated[Text, Field(max_length=500)]


class EndpointBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Url = Field(description="http(s) URL the events are POSTed to")
    event_types: list[EventType] = Field(min_length=1, max_length=100,
                                         description="routing keys of the events wanted")
    description: Description | None = None


class EndpointChangeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Url | None = None
    event_types: list[EventType] | None = Field(None, min_length=1, max_length=100)
    description: Description | None = None
    enabled: bool | None = Field(None, description="false disables the endpoint; true enables it "
                                                   "again and starts its failure count over")


class EndpointOut(BaseModel):
    id: str
    url: str
    event_types: list[str]
    description: str | None
    status: str = Field(examples=["active", "disabled"])
    disabled_reason: str | None
    consecutive_failures: int
    created_at: datetime
    previous_secret_until: datetime | None = Field(
        description="after a rotation, when the previous secret stops signing")


class EndpointWithSecretOut(EndpointOut):
    secret: str = Field(description="the signing secret (whsec_…), shown only this once")


class AttemptOut(BaseModel):
    delivery_id: str
    event_id: str
    event_type: str
    attempt: int
    at: datetime
    status_code: int | None = Field(description="None when no answer came (refused, timed out)")
    latency_ms: int
    error: str | None


class AttemptPageOut(BaseModel):
    items: list[AttemptOut]
    next_before: int | None = Field(description="pass as ?before= for the next, older page")
