"""The rules behind kept rejections and parked records: reason kinds, the policy's age, and what
PostgreSQL can store of a record as it was sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import get_args

from rating.adapters.rejections import storable
from rating.domain.policy import RatingPolicy
from rating.domain.rating import UnknownLine, parse_batch
from rating.domain.usage import REASONS, Malformed
from rating.entrypoints.rejections_http import Reason

NOW = datetime(2026, 5, 14, 12, tzinfo=UTC)


def test_the_route_takes_exactly_the_reasons_the_domain_gives() -> None:
    assert get_args(Reason) == REASONS
    assert UnknownLine("37369000001").code == "unknown_line"


def test_a_record_is_parked_too_long_from_the_policy_age_on() -> None:
    policy = RatingPolicy(late_usage=timedelta(days=14), parked_usage=timedelta(hours=72))
    assert not policy.parked_too_long(NOW - timedelta(hours=72) + timedelta(seconds=1), NOW)
    assert policy.parked_too_long(NOW - timedelta(hours=72), NOW)


def test_rejections_carry_their_kind() -> None:
    parsed = parse_batch([{"id": "a"}, Malformed("b", "line 3 has 2 fields", ["b", "x"])])
    assert [(r.id, r.code) for r in parsed.rejected] == [("a", "invalid"), ("b", "invalid")]


def test_what_postgresql_cannot_hold_is_kept_as_text() -> None:
    sent = {"id": "r\x00", "k\x00": [float("nan"), float("inf"), 1e308, 10 ** 30, None, True]}
    assert storable(sent) == {"id": "r\\u0000",
                              "k\\u0000": ["nan", "inf", 1e308, 10 ** 30, None, True]}
    assert storable("\ud800") == "\\ud800"
