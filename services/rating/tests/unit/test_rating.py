"""Rating records of a batch against lines, plans and allowance buckets (pure domain)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from rating.domain.allowances import Buckets
from rating.domain.lines import Account, Line
from rating.domain.plan import Allowance, PlanVersion, Price
from rating.domain.rating import RatingContext, parse_batch, rate_record, version_on
from rating.domain.summary import summarise
from rating.domain.usage import RecordError, parse_record
from rating.service.batch import usage_rated
from tarifa.messaging.catalogue import UsageRated

D = Decimal
MSISDN = "37369000001"


def _version(version: int, effective: date, price: str = "0.50") -> PlanVersion:
    return PlanVersion(
        code="p", version=version, name="P", payment_mode="postpaid", currency="MDL",
        monthly_fee=D("0"), vat_rate=D("0.20"), prices_include_vat=False, effective_from=effective,
        allowances=(Allowance("sms", "out", "*", 2),),
        prices=(Price("sms", "out", "*", D(price), unit="message"),
                Price("voice", "out", "roaming", D("3.00"), 60, 60, "minute")))


def _context(timezone: str = "UTC") -> RatingContext:
    line = Line(MSISDN, "a1", "p", datetime(2026, 3, 1, tzinfo=UTC))
    return RatingContext({MSISDN: line}, {"a1": Account("a1", "MDL", "postpaid", timezone)},
                         {"p": [_version(1, date(2026, 1, 1))]}, Buckets())


def _raw(**fields: Any) -> dict[str, Any]:
    return {"id": "r1", "msisdn": MSISDN, "type": "sms", "direction": "out",
            "started_at": "2026-05-04T10:00:00+00:00", "quantity": 1} | fields


@pytest.mark.parametrize(("fields", "reason"), [
    ({"quantity": -1}, "negative"), ({"quantity": 1.5}, "whole"), ({"quantity": True}, "whole"),
    ({"type": "fax"}, "type"), ({"direction": "up"}, "direction"),
    ({"started_at": "2026-05-04T10:00:00"}, "offset"), ({"started_at": "yesterday"}, "RFC 3339"),
    ({"msisdn": "abc"}, "msisdn"), ({"id": ""}, "id"), ({"colour": "red"}, "unknown"),
    ({"roaming_country": "romania"}, "roaming_country"),
])
def test_invalid_records_are_refused_with_their_reason(fields: dict[str, Any], reason: str) -> None:
    with pytest.raises(RecordError, match=reason):
        parse_record(_raw(**fields))


def test_zone_is_roaming_with_a_roaming_country_else_given_else_national() -> None:
    assert parse_record(_raw(roaming_country="RO", zone="onnet")).rated_zone == "roaming"
    assert parse_record(_raw(zone="onnet")).rated_zone == "onnet"
    assert parse_record(_raw()).rated_zone == "national"


def test_a_batch_keeps_the_first_copy_of_an_id_and_reports_rejections_by_position() -> None:
    parsed = parse_batch([_raw(), _raw(quantity=5), "junk", _raw(id="r2", type="fax")])
    assert [r.quantity for r in parsed.records] == [1]
    assert parsed.duplicates == 1
    assert [(r.id, r.index) for r in parsed.rejected] == [(None, 2), ("r2", 3)]


def test_allowance_is_consumed_first_then_priced_and_exhaustion_is_noted() -> None:
    context = _context()
    rated = [rate_record(parse_record(_raw(id=f"r{i}")), context) for i in range(3)]
    assert [r.charge.net for r in rated] == [D("0"), D("0"), D("0.50")]
    assert [r.charge.allowance_used for r in rated] == [1, 1, 0]
    assert context.buckets.exhausted == {(MSISDN, date(2026, 5, 1), "sms/out/*")}


def test_records_are_refused_for_unknown_lines_early_times_and_missing_prices() -> None:
    context = _context()
    for fields, reason in [({"msisdn": "37369999999"}, "unknown msisdn"),
                           ({"started_at": "2026-02-01T00:00:00+00:00"}, "before the line"),
                           ({"type": "mms"}, "no price")]:
        with pytest.raises(RecordError, match=reason):
            rate_record(parse_record(_raw(**fields)), context)


def test_usage_date_and_period_follow_the_account_time_zone() -> None:
    context = _context("Europe/Chisinau")
    rated = rate_record(parse_record(_raw(started_at="2026-04-30T22:30:00+00:00")), context)
    assert rated.usage_date == date(2026, 5, 1)
    assert (MSISDN, date(2026, 5, 1), "sms/out/*") in context.buckets.used


def test_the_version_in_effect_on_the_usage_date_prices_the_record() -> None:
    versions = [_version(1, date(2026, 1, 1)), _version(2, date(2026, 6, 1), price="0.70")]
    assert version_on(versions, date(2026, 5, 31)) == versions[0]
    assert version_on(versions, date(2026, 6, 1)) == versions[1]
    assert version_on(versions, date(2025, 12, 31)) is None


def test_the_summary_aggregates_per_day_and_totals_exactly() -> None:
    context = _context()
    context.buckets = Buckets({(MSISDN, date(2026, 5, 1), "sms/out/*"): 2})
    raws = [_raw(id="a"), _raw(id="b"), _raw(id="c", started_at="2026-05-05T10:00:00+00:00"),
            _raw(id="d", type="voice", roaming_country="RO", quantity=61)]
    [charges] = summarise([rate_record(parse_record(r), context) for r in raws])
    assert len(charges.items) == 3
    assert charges.total("net") == D("0.50") * 3 + D("6.00")
    assert charges.total("gross") == charges.total("net") + charges.total("vat")


def test_a_batch_event_is_built_in_the_catalogue_shape_with_exact_totals() -> None:
    context = _context()
    raws = [_raw(id="a"), _raw(id="b", type="voice", roaming_country="RO", quantity=61)]
    data, subject = usage_rated([rate_record(parse_record(r), context) for r in raws], "batch-1")
    event = UsageRated.model_validate(data)
    [account] = event.accounts
    assert (subject, event.batch_id, account.account_id, account.currency) == (
        "a1", "batch-1", "a1", "MDL")
    assert (account.totals.net, account.totals.vat, account.totals.gross) == (
        D("6.00"), D("1.20"), D("7.20"))
    assert sum(i.gross for i in account.items) == account.totals.gross
    assert {(i.type, i.vat_rate, i.prices_include_vat) for i in account.items} == {
        ("sms", D("0.20"), False), ("voice", D("0.20"), False)}
