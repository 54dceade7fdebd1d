"""Rules of detailed bills of records: rows per record in local time, exact totals, the JSON
rows, and which month a subscription's email covers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from invoicing.domain.account import BillingAccount
from invoicing.domain.detailed_bill import (
    DetailedBill,
    DetailedBillStatus,
    records_statement,
    row_json,
)
from invoicing.domain.detailed_bill_subscription import Subscription, due_month, previous_month
from invoicing.domain.usage_record import UsageRecord

NOW = datetime(2026, 12, 1, 6, tzinfo=UTC)


def _record(record_id: str, msisdn: str, at: datetime, gross: str) -> UsageRecord:
    return UsageRecord(record_id, msisdn, at, "data", "out", "national", 1, None, None,
                       Decimal(gross), Decimal(0), Decimal(gross))


def _bill() -> DetailedBill:
    return DetailedBill("b", "a", date(2026, 11, 1), date(2026, 11, 30), "out",
                        DetailedBillStatus.PENDING, Decimal("50.00"), "MDL", NOW)


def test_rows_are_by_line_then_time_in_local_time_and_add_up_exactly() -> None:
    account = BillingAccount("a", "MDL", "postpaid", timezone="Europe/Chisinau")
    records = [_record("3", "37369000002", datetime(2026, 11, 1, tzinfo=UTC), "0.0000976563"),
               _record("2", "37369000001", datetime(2026, 11, 30, 22, 30, tzinfo=UTC), "0.0001"),
               _record("1", "37369000001", datetime(2026, 11, 2, tzinfo=UTC), "0.1716796876")]
    statement = records_statement(_bill(), account, records, NOW)
    assert [line.record.id for line in statement.lines if line.record] == ["1", "2", "3"]
    assert statement.total_charges == Decimal("0.1718773439")
    late_evening = statement.lines[1].record
    assert late_evening is not None and late_evening.started_at.isoformat() == (
        "2026-12-01T00:30:00+02:00")
    assert row_json(statement.lines[0])["gross"] == "0.1716796876"
    assert row_json(statement.lines[0])["unit"] == "byte"


def test_a_month_is_mailed_once_it_ends_if_the_subscription_was_on_before_its_end() -> None:
    on = Subscription("a", True, datetime(2026, 10, 15, tzinfo=UTC), NOW)
    month = due_month(on, date(2026, 12, 1), date(2026, 10, 15))
    assert month is not None and (month.key, month.first, month.last) == (
        "2026-11", date(2026, 11, 1), date(2026, 11, 30))
    assert due_month(on, date(2026, 12, 1), date(2026, 12, 1)) is None
    off = Subscription("a", False, datetime(2026, 10, 15, tzinfo=UTC), NOW)
    assert due_month(off, date(2026, 12, 1), date(2026, 10, 15)) is None
    assert due_month(on, date(2026, 12, 1), date(2026, 10, 15), closed_on=date(2026, 11, 20))
    assert due_month(on, date(2026, 12, 1), date(2026, 10, 15), closed_on=date(2026, 10, 31)) is None
    january = previous_month(date(2027, 1, 1))
    assert (january.key, january.first, january.last) == (
        "2026-12", date(2026, 12, 1), date(2026, 12, 31))
    assert previous_month(date(2024, 3, 31)).last == date(2024, 2, 29)
