"""What the payments use cases need from the outside world."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Protocol

from tarifa.idempotency import IdempotencyStore
from tarifa.uow import UnitOfWork as BaseUnitOfWork

from payments.domain.autopay import AutopayMandate, PaymentMethod
from payments.domain.gateway import GatewayNotification, GatewayOutcome, GatewaySession
from payments.domain.history import HistoryEntry, Position
from payments.domain.payment import AccountRef, Payment
from payments.domain.refund import Refund
from payments.domain.registry import RegistryEntry, RegistryReport

__all__ = ["AccountsReplica", "CardGateway", "GatewayError", "Gateways", "InvalidSignature",
           "PaymentHistory", "PaymentMethodRepository", "PaymentRepository", "RefundRepository",
           "RegistryRepository", "UnitOfWork"]


class GatewayError(Exception):
    """The gateway could not be reached or refused the request."""


class InvalidSignature(Exception):
    """A notification whose signature does not verify."""


class CardGateway(Protocol):
    """A card gateway with a hosted payment page; card data never reaches the suite (P4)."""

    name: str

    async def start_payment(self, order_id: str, amount: Decimal, currency: str,
                            return_url: str) -> GatewaySession: ...

    async def start_registration(self, order_id: str, return_url: str) -> GatewaySession: ...

    async def status(self, ref: str) -> GatewayOutcome: ...

    async def refund(self, ref: str, refund_id: str, amount: Decimal) -> str:
        """Refund ``amount`` of the session's payment; the gateway's refund id."""

    def verify(self, body: bytes, headers: Mapping[str, str]) -> GatewayNotification:
        """The notification in ``body``; raise InvalidSignature when it is not the gateway's."""


Gateways = Mapping[str, CardGateway]


class AccountsReplica(Protocol):
    async def get(self, account_id: str) -> AccountRef | None: ...
    async def by_msisdn(self, msisdn: str) -> AccountRef | None: ...
    async def upsert(self, account: AccountRef) -> None: ...
    async def add_line(self, msisdn: str, account_id: str) -> None: ...


class PaymentRepository(Protocol):
    async def add(self, payment: Payment) -> None: ...
    async def get(self, payment_id: str, *, for_update: bool = False) -> Payment | None: ...
    async def save(self, payment: Payment) -> None: ...


class PaymentHistory(Protocol):
    async def page(self, account_id: str, after: Position | None,
                   limit: int) -> list[HistoryEntry]:
        """Up to ``limit`` payments into the account or paid by it, newest first, after ``after``."""


class RefundRepository(Protocol):
    async def add(self, refund: Refund) -> None: ...


class RegistryRepository(Protocol):
    async def add_registry(self, report: RegistryReport) -> None: ...

    async def claim(self, entry: RegistryEntry) -> bool:
        """Record the entry; False when its reference was registered before."""

    async def get_registry(self, registry_id: str) -> RegistryReport | None:
        """The registry with the rows still unmatched."""


class PaymentMethodRepository(Protocol):
    async def add(self, method: PaymentMethod) -> None: ...
    async def get(self, method_id: str, *, for_update: bool = False) -> PaymentMethod | None: ...
    async def save(self, method: PaymentMethod) -> None: ...
    async def put_mandate(self, mandate: AutopayMandate) -> None: ...
    async def mandate(self, account_id: str) -> AutopayMandate | None: ...


class UnitOfWork(BaseUnitOfWork, Protocol):
    @property
    def accounts(self) -> AccountsReplica: ...

    @property
    def payments(self) -> PaymentRepository: ...

    @property
    def refunds(self) -> RefundRepository: ...

    @property
    def registries(self) -> RegistryRepository: ...

    @property
    def methods(self) -> PaymentMethodRepository: ...

    @property
    def idempotency(self) -> IdempotencyStore: ...

    @property
    def history(self) -> PaymentHistory: ...
