"""The CloudEvents envelope written to the outbox: one orjson pass, the same event read back."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError
from tarifa.messaging.catalogue import PlanPublished
from tarifa.messaging.envelope import CloudEvent, new_event

NOW = datetime(2026, 10, 31, 23, 59, 59, 123456, tzinfo=UTC)


def test_to_json_reads_back_as_the_same_event_with_no_null_attribute() -> None:
    plan = PlanPublished(code="smart", version=2, payment_mode="postpaid",
                         monthly_fee=Decimal("100.00"), currency="MDL", vat_rate=Decimal("0.20"),
                         effective_from=NOW.date(), name="Smart", prices_include_vat=False)
    event = new_event("rating", plan.routing_key, plan, now=NOW, correlation_id="work-1")
    written = json.loads(event.to_json())
    assert "subject" not in written and None not in written.values()
    assert written["correlationid"] == "work-1" and written["data"]["monthly_fee"] == "100.00"
    assert CloudEvent.model_validate_json(event.to_json()) == event


def test_decimals_in_bulk_data_are_written_as_decimal_strings() -> None:
    data = {"batch_id": "b", "accounts": [{"totals": {"net": Decimal("0.0208333333")}}]}
    event = new_event("rating", "rating.usage.rated", data, now=NOW, subject="a1")
    written = json.loads(event.to_json())
    assert written["subject"] == "a1"
    assert written["data"]["accounts"][0]["totals"]["net"] == "0.0208333333"


def test_from_json_reads_what_pydantic_reads_and_refuses_what_it_refuses() -> None:
    event = new_event("rating", "rating.usage.rated", {"batch_id": "b", "accounts": []}, now=NOW,
                      subject="a1", correlation_id="work-1")
    body = event.to_json().encode()
    assert CloudEvent.from_json(body) == CloudEvent.model_validate_json(body) == event
    for bad in (b"{not json", b"[1, 2]", b'{"id": "x"}', b'"\xff"',
                body.replace(b'"time":', b'"time": [],"old":')):
        with pytest.raises(ValidationError):
            CloudEvent.from_json(bad)
