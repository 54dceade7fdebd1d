"""The correlation id: which offered values are taken, and how events carry it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from tarifa import correlation
from tarifa.messaging.envelope import CloudEvent, new_event


@pytest.mark.parametrize("offered", ["order-42", "a1b2:c3.d4_e5", "x" * 128])
def test_a_short_token_is_taken_as_it_is(offered: str) -> None:
    assert correlation.accepted(offered, "fallback") == offered


@pytest.mark.parametrize("offered", [None, "", "two words", "line\nbreak", "x" * 129, "ünï"])
def test_anything_else_gives_way_to_the_fallback_or_a_new_id(offered: str | None) -> None:
    assert correlation.accepted(offered, "fallback") == "fallback"
    new = correlation.accepted(offered)
    assert new not in ("", offered) and correlation.accepted(new) == new


def test_the_id_holds_inside_the_block_only() -> None:
    assert correlation.current() is None
    with correlation.correlated("outer"):
        with correlation.correlated("inner"):
            assert correlation.current() == "inner"
        assert correlation.current() == "outer"
    assert correlation.current() is None


def test_an_event_carries_it_as_an_extension_attribute_through_json() -> None:
    now = datetime.now(UTC)
    event = new_event("tests", "tests.note.taken", {"text": "x"}, now=now, correlation_id="c-1")
    again = CloudEvent.model_validate_json(event.model_dump_json())
    assert again.correlation_id == "c-1" and again.model_dump()["correlationid"] == "c-1"



def test_an_event_of_work_without_a_correlation_id_starts_one_with_its_own_id() -> None:
    event = new_event("tests", "tests.note.taken", {}, now=datetime.now(UTC))
    assert event.correlation_id == event.id


def test_an_event_has_no_null_attribute() -> None:
    event = new_event("tests", "tests.note.taken", {"gone": None}, now=datetime.now(UTC))
    dumped = json.loads(event.model_dump_json())
    assert "subject" not in dumped and None not in dumped.values()
    assert dumped["data"] == {"gone": None}
