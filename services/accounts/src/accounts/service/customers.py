"""Registering customers and reading them back."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass

from accounts.domain.audit import AuditEntry
from accounts.domain.customer import Customer, CustomerKind, Language
from accounts.domain.errors import UnknownEntity
from accounts.service.ports import UnitOfWork

__all__ = ["CreateCustomer", "create_customer", "get_customer"]


@dataclass(frozen=True, slots=True)
class CreateCustomer:
    kind: CustomerKind
    name: str
    language: Language
    actor: str
    email: str | None = None
    phone: str | None = None
    address: str | None = None


async def create_customer(uow: UnitOfWork, command: CreateCustomer) -> Customer:
    customer = Customer(
        id=str(uuid.uuid4()), kind=command.kind, name=command.name, language=command.language,
        email=command.email, phone=command.phone, address=command.address,
    )
    async with uow:
        await uow.customers.add(customer)
        await uow.audit.record(AuditEntry(uow.clock.now(), command.actor, "customer.created",
                                          "customer", customer.id, asdict(customer)))
        await uow.commit()
    return customer


async def get_customer(uow: UnitOfWork, customer_id: str) -> Customer:
    async with uow:
        customer = await uow.customers.get(customer_id)
    if customer is None:
        raise UnknownEntity(f"customer {customer_id} not found")
    return customer
