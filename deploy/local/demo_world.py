"""The demo's subscribers, plans and May usage: made up, the same on every run (seeded)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

__all__ = ["PLANS", "Subscriber", "subscribers", "usage"]

PRICES = [
    {"type": "voice", "direction": "out", "zone": "*", "unit_price": "0.60",
     "first_increment": 60, "next_increment": 1},
    {"type": "sms", "direction": "out", "zone": "*", "unit_price": "0.50"},
    {"type": "data", "direction": "*", "zone": "*", "unit_price": "0.10", "unit": "MiB"},
]
PLANS: dict[str, dict[str, Any]] = {
    "demo-postpaid": {
        "name": "Demo Smart", "payment_mode": "postpaid", "currency": "MDL",
        "monthly_fee": "50.00", "vat_rate": "0.20", "prices_include_vat": False,
        "effective_from": "2026-01-01", "prices": PRICES,
        "allowances": [{"type": "voice", "direction": "out", "zone": "*", "quantity": 30}]},
    "demo-prepaid": {
        "name": "Demo Cartela", "payment_mode": "prepaid", "currency": "MDL",
        "monthly_fee": "0.00", "vat_rate": "0.20", "prices_include_vat": True,
        "effective_from": "2026-01-01", "prices": PRICES, "allowances": []},
}
PEOPLE = {
    "ro": (["Ion Popescu", "Maria Rusu", "Andrei Ceban", "Elena Munteanu", "Mihai Lungu",
            "Ana Cojocaru", "Vasile Ursu", "Cristina Bălan"], "str. Ștefan cel Mare {n}, Chișinău"),
    "ru": (["Иван Петров", "Ольга Смирнова", "Сергей Иванов", "Наталья Козлова", "Дмитрий Орлов",
            "Анна Волкова", "Павел Соколов", "Мария Лебедева"], "ул. Пушкина {n}, Бельцы"),
    "en": (["John Smith", "Emma Brown", "Oliver Jones", "Sophie Taylor", "Harry Wilson",
            "Grace Evans", "Jack Thomas", "Chloe Walker"], "{n} Dacia Blvd, Chișinău"),
}
LANGUAGES = ("ro", "ru", "en")


@dataclass(frozen=True, slots=True)
class Subscriber:
    index: int
    name: str
    language: str
    payment_mode: str
    medium: str
    sms_notice: bool

    @property
    def msisdn(self) -> str:
        return f"3736{9000000 + self.index:07d}"

    @property
    def email(self) -> str:
        return f"subscriber{self.index:03d}@demo.tarifa.test"

    @property
    def address(self) -> str:
        return PEOPLE[self.language][1].format(n=self.index + 1)

    @property
    def plan_code(self) -> str:
        return f"demo-{self.payment_mode}"


def subscribers(count: int) -> list[Subscriber]:
    """One in five prepaid, one in ten on paper bills, one in four told of its bill by SMS."""
    return [_subscriber(i) for i in range(count)]


def _subscriber(i: int) -> Subscriber:
    language = LANGUAGES[i % 3]
    names = PEOPLE[language][0]
    prepaid = i % 5 == 4
    return Subscriber(i, names[(i // 3) % len(names)], language,
                      "prepaid" if prepaid else "postpaid",
                      "paper" if i % 10 == 3 else "ebill", i % 4 == 1 and not prepaid)


def usage(who: Subscriber) -> list[dict[str, Any]]:
    """A month of calls, SMS and data sessions in May 2026; prepaid lines use less."""
    pick = random.Random(who.index)
    scale = 1 if who.payment_mode == "postpaid" else 3
    kinds = ([("sms", 1) for _ in range(pick.randint(3, 30 // scale))]
             + [("voice", pick.randint(15, 600 // scale)) for _ in range(pick.randint(2, 20 // scale))]
             + [("data", pick.randint(1, 40 // scale) * 1_048_576) for _ in range(pick.randint(1, 10))])
    return [_record(who, n, kind, quantity, pick) for n, (kind, quantity) in enumerate(kinds)]


def _record(who: Subscriber, n: int, kind: str, quantity: int, pick: random.Random) -> dict[str, Any]:
    day, hour, minute = pick.randint(2, 30), pick.randint(7, 21), pick.randint(0, 59)
    return {"id": f"demo-{who.index:03d}-{n:03d}", "msisdn": who.msisdn, "type": kind,
            "direction": "out", "started_at": f"2026-05-{day:02d}T{hour:02d}:{minute:02d}:00+00:00",
            "quantity": quantity, "other_party": "37322123456"}
