"""Settings of the rating service (prefix ``RATING_``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict
from tarifa.settings import ServiceSettings


class RatingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="RATING_", extra="ignore", frozen=True,
                                      populate_by_name=True)
    service_name: ClassVar[str] = "rating"
    port: int = Field(8002, ge=1, le=65535)
    late_usage_days: int = Field(
        14, ge=0, le=366, description="how many days after its start a usage record is accepted")
    fees_interval: float = Field(
        60.0, gt=0, description="seconds between two runs of the recurring fees job")
    parked_usage_hours: int = Field(
        72, ge=1, le=24 * 366, description="how long a record of a line not known yet is kept "
        "parked before it is rejected (unknown_line), in hours")
    parked_interval: float = Field(
        60.0, gt=0, description="seconds between two sweeps of the parked usage records")
    usage_body_max_bytes: int = Field(
        8 * 1024 * 1024, ge=1024, description="largest usage batch body (JSON or CSV) accepted, in bytes")
