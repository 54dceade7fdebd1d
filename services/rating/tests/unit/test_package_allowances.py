"""Packages' allowances before the plan's, in the buckets, without any I/O."""

from __future__ import annotations

from datetime import UTC, date, datetime

from rating.domain.allowances import Buckets, Grant
from rating.domain.plan import Allowance

JUNE = date(2026, 6, 1)
ON = datetime(2026, 6, 10, tzinfo=UTC)
OFF = datetime(2026, 6, 20, tzinfo=UTC)
SMS = ("sms", "out", "national")
PLAN = Allowance("sms", "out", "*", 2)
PACKS = [Grant("b-pack", ON, OFF, (Allowance("sms", "*", "*", 3),)),
         Grant("a-pack", ON, None, (Allowance("sms", "out", "*", 1),
                                    Allowance("data", "*", "*", 99)))]


def test_a_line_without_packages_uses_its_plan_allowance() -> None:
    buckets = Buckets(grants={"other": PACKS})
    assert buckets.choose("m", ON, JUNE, PLAN, SMS) is PLAN


def test_packages_on_at_the_instant_come_first_in_code_order_then_the_plan() -> None:
    buckets = Buckets(grants={"m": PACKS})
    chosen = buckets.choose("m", ON, JUNE, PLAN, SMS)
    assert chosen is not None
    assert (chosen.key, chosen.quantity) == (
        "package:a-pack:sms/out/*+package:b-pack:sms/*/*+sms/out/*", 6)
    key = ("m", JUNE, chosen.key)
    assert buckets.left(key, chosen.quantity) == 6
    buckets.take(key, chosen.quantity, 5)
    assert buckets.used == {("m", JUNE, "package:a-pack:sms/out/*"): 1,
                            ("m", JUNE, "package:b-pack:sms/*/*"): 3, ("m", JUNE, "sms/out/*"): 1}
    assert buckets.exhausted == {("m", JUNE, "package:a-pack:sms/out/*"),
                                 ("m", JUNE, "package:b-pack:sms/*/*")}
    assert buckets.left(key, chosen.quantity) == 1
    assert key not in buckets.changed


def test_a_package_off_at_the_instant_gives_nothing_and_one_without_a_plan_allowance_alone() -> None:
    buckets = Buckets(grants={"m": PACKS})
    later = buckets.choose("m", OFF, JUNE, PLAN, SMS)
    assert later is not None and later.key == "package:a-pack:sms/out/*+sms/out/*"
    alone = buckets.choose("m", ON, JUNE, None, ("data", "in", "roaming"))
    assert alone is not None and (alone.key, alone.quantity) == ("package:a-pack:data/*/*", 99)
    assert buckets.choose("m", ON, JUNE, None, ("mms", "out", "national")) is None
