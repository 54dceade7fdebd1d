"""What the payments use cases need from the outside world."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Literal, Protocol

from tarifa.audit import AuditRecord
from tarifa.idempotency import IdempotencyStore
from tarifa.uow import UnitOfWork as BaseUnitOfWork

from payments.domain.autopay import AutopayMandate, PaymentMethod
from payments.domain.autopay_charge import AutopayCharge, ChargeOutcome
from payments.domain.gateway import GatewayNotification, GatewayOutcome, GatewaySession
from payments.domain.history import HistoryEntry, Position
from payments.domain.matching import RowQuery
from payments.domain.payment import AccountRef, BalanceAt, Payment
from payments.domain.refund import Refund
from payments.domain.registry import EntryStatus, RegistryEntry, RegistryReport

__all__ = ["AccountsReplica", "AutopayCharges", "CardGateway", "GatewayError", "Gateways", "InvalidSignature",
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

    async def charge(self, order_id: str, token: str, amount: Decimal,
                     currency: str) -> ChargeOutcome:
        """Charge a stored card without its holder, once per ``order_id``; GatewayError when
        no answer came (the card may or may not have been charged)."""

    async def charge_status(self, order_id: str) -> ChargeOutcome | None:
        """How the charge of ``order_id`` stands; None when the gateway never received it."""


Gateways = Mapping[str, CardGateway]


class AccountsReplica(Protocol):
    async def get(self, account_id: str) -> AccountRef | None: ...
    async def by_msisdn(self, msisdn: str) -> AccountRef | None: ...
    async def upsert(self, account: AccountRef) -> None: ...
    async def set_payment_mode(self, account_id: str, payment_mode: str) -> None: ...
    async def set_status(self, account_id: str, status: str) -> None: ...

    async def set_balances(self, balances: Sequence[BalanceAt]) -> None:
        """Keep each ledger balance announced at its time, unless a later one is kept already."""

    async def add_line(self, msisdn: str, account_id: str) -> None: ...


Claim = Literal["stored", "taken", "untried"]
"""What became of a payment offered with the account's check (``add_into_open``)."""


class PaymentRepository(Protocol):
    async def add(self, payment: Payment) -> None: ...
    async def get(self, payment_id: str, *, for_update: bool = False) -> Payment | None: ...
    async def save(self, payment: Payment) -> None: ...

    async def add_holding_reference(self, payment: Payment, registered: AuditRecord) -> str | None:
        """Store a new payment holding its channel's reference, with its audit row
        ``registered``; when another payment took the reference first, store nothing (neither)
        and answer that payment's id."""

    async def add_into_open(self, payment: Payment, registered: AuditRecord) -> Claim:
        """``add_holding_reference`` tried only when the payment's account is open and billed
        in its currency (the checks a payment into an open account passes): ``untried``
        otherwise, ``taken`` when another payment holds the reference, else ``stored``."""

    async def holder_of(self, channel: str, reference: str) -> str | None:
        """The id of the payment holding a channel's reference, if any."""


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

    async def submitter(self, registry_id: str) -> str | None:
        """Who sent the registry (the payer of its rows); None when there is no such registry."""

    async def entry(self, registry_id: str, row: int) -> RegistryEntry | None:
        """A stored row, locked for a decision on it."""

    async def save_entry(self, entry: RegistryEntry) -> None: ...

    async def rows(self, registry_id: str, status: EntryStatus | None, after: int,
                   limit: int) -> list[RegistryEntry]:
        """Up to ``limit`` stored rows numbered above ``after``, in order, of ``status`` if given."""

    async def queue(self, query: RowQuery) -> list[tuple[datetime, RegistryEntry]]:
        """Up to ``query.limit`` rows across registries after ``query.after``, each with its
        registry's import time, oldest import first."""


class PaymentMethodRepository(Protocol):
    async def add(self, method: PaymentMethod) -> None: ...
    async def get(self, method_id: str, *, for_update: bool = False) -> PaymentMethod | None: ...
    async def save(self, method: PaymentMethod) -> None: ...
    async def put_mandate(self, mandate: AutopayMandate) -> None: ...
    async def mandate(self, account_id: str) -> AutopayMandate | None: ...
    async def mandates_of(self, account_ids: Sequence[str]) -> dict[str, AutopayMandate]: ...
    async def drop_mandate(self, account_id: str) -> None: ...


class AutopayCharges(Protocol):
    async def add(self, charge: AutopayCharge) -> bool:
        """Record a new charge; False when its invoice has one already."""

    async def get(self, charge_id: str, *, for_update: bool = False) -> AutopayCharge | None: ...
    async def for_invoice(self, invoice_id: str) -> AutopayCharge | None: ...
    async def save(self, charge: AutopayCharge) -> None: ...

    async def scheduled_for(self, account_id: str) -> list[AutopayCharge]:
        """The account's charges waiting for an attempt, locked until the commit."""

    async def due(self, now: datetime) -> list[str]:
        """Ids of the charges to attempt, or to settle from the gateway's status, by ``now``."""

    async def was_below(self, account_id: str, at: datetime) -> bool | None:
        """Whether the balance was last seen below the threshold; None when that was after ``at``."""

    async def record_balance(self, account_id: str, below: bool, at: datetime) -> None: ...


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

    @property
    def autopay(self) -> AutopayCharges: ...
