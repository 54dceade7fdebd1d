"""Properties of the money rule (SPEC X1): exact charges, posted with carries, stated per VAT rate.

For any records, prices and VAT rates, split into any batches and days of a month: each invoice
line is within half a minor unit of its exact sum, each rate's VAT is exactly the rate times
its taxable amount rounded once, the postings add up to the invoice's totals, and the statement
identity holds. Daily shares of any fee over any month add up to the fee and its VAT exactly.
"""

from __future__ import annotations

import calendar
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from invoicing.domain.billing import Period, figures
from invoicing.domain.ledger import EntryKind, LedgerEntry
from invoicing.domain.posting import ExactCharge, Postings
from invoicing.domain.vat import rounding_difference
from tarifa.money import exact, round_amount, vat_on, vat_within

NOW = datetime(2026, 11, 1, tzinfo=UTC)
HALF_CENT = Decimal("0.005")
RATES = [Decimal("0"), Decimal("0.08"), Decimal("0.09"), Decimal("0.19"), Decimal("0.20")]
LINES = ["37369000001", "37369000002"]
TYPES = ["voice", "sms", "data"]


def _entry(charge: ExactCharge, posted_net: Decimal, posted_vat: Decimal) -> LedgerEntry:
    gross = posted_net + posted_vat
    return LedgerEntry(
        id=str(uuid.uuid4()), account_id="a", kind=EntryKind.CHARGE, type=charge.type,
        currency="MDL", occurred_on=charge.usage_date, amount=-gross, source_event_id="e",
        created_at=NOW, msisdn=charge.msisdn, net=posted_net, vat=posted_vat, gross=gross,
        vat_rate=charge.vat_rate, vat_included=charge.vat_included)


def _post(charges: list[ExactCharge]) -> list[LedgerEntry]:
    postings = Postings("MDL", None, {}, set())
    entries = []
    for charge in charges:
        posted = postings.post(charge)
        assert posted.net + posted.vat == posted.gross
        entries.append(_entry(charge, posted.net, posted.vat))
    return entries


@st.composite
def _charge(draw: st.DrawFn, included: bool | None = None,
            rate: Decimal | None = None) -> ExactCharge:
    amount = exact(Decimal(draw(st.integers(0, 5_000_000_000))) / Decimal(10 ** 9))
    rate = draw(st.sampled_from(RATES)) if rate is None else rate
    vat_included = draw(st.booleans()) if included is None else included
    net = exact(amount / (1 + rate)) if vat_included else amount
    gross = amount if vat_included else exact(amount * (1 + rate))
    return ExactCharge(draw(st.sampled_from(LINES)), draw(st.sampled_from(TYPES)),
                       date(2026, 10, draw(st.integers(1, 31))), net, gross, rate, vat_included)


def _exact_sums(charges: list[ExactCharge]) -> dict[tuple[str, str, bool], Decimal]:
    sums: dict[tuple[str, str, bool], Decimal] = defaultdict(Decimal)
    for c in charges:
        sums[c.msisdn, c.type, c.vat_included] += c.gross if c.vat_included else c.net
    return sums


@settings(max_examples=2000, deadline=None)
@given(st.lists(_charge(), min_size=1, max_size=60))
def test_postings_of_any_split_state_exact_lines_and_vat_per_rate(
        charges: list[ExactCharge]) -> None:
    entries = _post(charges)
    stated = figures(Decimal(0), entries, [], Period(date(2026, 10, 1), "MDL"))
    for total in stated.vat_breakdown:
        mine = [c for c in charges if (c.vat_rate, c.vat_included) == (total.rate, total.included)]
        # Each line of the rate is rounded once: the rate's taxable sum is off by less than
        # half a minor unit per line.
        tolerance = HALF_CENT * len({(c.msisdn, c.type) for c in mine})
        if total.included:
            assert total.vat == vat_within(total.gross, total.rate or Decimal(0), "MDL")
            assert abs(total.gross - sum(c.gross for c in mine)) <= tolerance
        else:
            assert total.vat == vat_on(total.net, total.rate or Decimal(0), "MDL")
            assert abs(total.net - sum(c.net for c in mine)) <= tolerance
    assert rounding_difference(entries, stated.vat_breakdown) == 0
    assert sum(e.gross for e in entries) == stated.total_charges
    assert stated.vat_total == sum(t.vat for t in stated.vat_breakdown)
    assert stated.total_charges == sum(line.net + line.vat for line in stated.lines)
    assert stated.closing_balance == stated.opening_balance + stated.total_charges


@settings(max_examples=2000, deadline=None)
@given(st.lists(_charge(included=False, rate=Decimal("0.20")), min_size=1, max_size=60),
       st.permutations(range(60)))
def test_each_line_is_within_half_a_minor_unit_of_its_exact_sum_in_any_order(
        charges: list[ExactCharge], order: list[int]) -> None:
    shuffled = [charges[i] for i in order if i < len(charges)]
    for batch in (charges, shuffled):
        entries = _post(batch)
        stated = figures(Decimal(0), entries, [], Period(date(2026, 10, 1), "MDL"))
        exact_sums = _exact_sums(batch)
        for line in stated.lines:
            assert abs(line.net - exact_sums[line.msisdn, line.type, False]) <= HALF_CENT


def _shares(fee: Decimal, month: date) -> list[Decimal]:
    length = calendar.monthrange(month.year, month.month)[1]
    running = [round_amount(fee * day / length, "MDL") for day in range(length + 1)]
    return [running[day] - running[day - 1] for day in range(1, length + 1)]


@settings(max_examples=2000, deadline=None)
@given(st.integers(1, 10_000_000), st.sampled_from(RATES), st.booleans(),
       st.dates(date(2000, 1, 1), date(2100, 12, 1)))
def test_daily_shares_add_up_to_the_monthly_fee_and_its_vat(
        cents: int, rate: Decimal, included: bool, month: date) -> None:
    fee = Decimal(cents) / 100
    charges = [ExactCharge("37369000001", "fee", month.replace(day=index + 1),
                           exact(share / (1 + rate)) if included else share,
                           share if included else exact(share * (1 + rate)), rate, included)
               for index, share in enumerate(_shares(fee, month.replace(day=1)))]
    entries = _post(charges)
    stated = figures(Decimal(0), entries, [], Period(month.replace(day=1), "MDL"))
    vat = vat_within(fee, rate, "MDL") if included else vat_on(fee, rate, "MDL")
    gross = fee if included else fee + vat
    assert (stated.total_charges, stated.vat_total) == (gross, vat)
    assert sum(e.gross for e in entries) == gross
    assert sum(e.vat for e in entries) == vat
