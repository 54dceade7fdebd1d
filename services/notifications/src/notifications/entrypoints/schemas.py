"""HTTP bodies of the notifications API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from tarifa.fields import MultilineText, Text

__all__ = ["ChannelName", "CodeMessage", "DeliveryOut", "Language", "TemplateBody", "TemplateOut"]

ChannelName = Literal["email", "sms"]
Language = Literal["ro", "ru", "en"]


class DeliveryOut(BaseModel):
    id: str
    account_id: str | None
    event: str
    event_id: str
    channel: str
    recipient: str | None
    status: str = Field(examples=["pending", "sent", "delivered", "undelivered", "failed",
                                  "not_applicable"])
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


class TemplateBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: Text | None = Field(None, min_length=1, max_length=500,
                                 description="email only, one line; omitted: the built-in subject")
    body: MultilineText = Field(min_length=1, max_length=20000,
                                description="string.Template text with the event's $placeholders; "
                                            "newlines and tabs, no other control characters")


class TemplateOut(BaseModel):
    event: str
    channel: str
    language: str
    subject: str | None
    body: str


class CodeMessage(BaseModel):
    """A message of the one-time code queue; errors never echo its input."""

    model_config = ConfigDict(extra="ignore", hide_input_in_errors=True)

    msisdn: str = Field(pattern=r"^\+?[0-9]{6,15}$")
    code: Text = Field(min_length=1, max_length=16, repr=False)
    language: Text = Field("en", max_length=8)
    expires_at: AwareDatetime
