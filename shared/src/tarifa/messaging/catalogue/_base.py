"""What every event's data model is: frozen, open to fields a producer adds later."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict

__all__ = ["EventData"]


class EventData(BaseModel):
    model_config = ConfigDict(
        extra="allow", frozen=True, populate_by_name=True, serialize_by_alias=True
    )
    routing_key: ClassVar[str]
