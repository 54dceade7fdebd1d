"""What the accounts use cases need from the outside world."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Protocol

from tarifa.auth import Principal
from tarifa.uow import UnitOfWork as BaseUnitOfWork

from accounts.domain.account import Account, Balance
from accounts.domain.audit import AuditEntry
from accounts.domain.bonus import BonusMovement
from accounts.domain.customer import Customer
from accounts.domain.invoices import OverdueInvoice
from accounts.domain.line import Line, Plan
from accounts.domain.logins import Login
from accounts.domain.otp import Challenge, OneTimeCode
from accounts.domain.reminders import Ending

__all__ = ["AccountRepository", "AuditLog", "BalanceReplica", "BonusLedger", "CodeSender",
           "CustomerRepository", "InvoiceReplica", "LineRepository", "LoginRepository",
           "OtpChallenges", "OtpRequests", "PasswordHasher", "PlanReplica", "TokenIssuer",
           "UnitOfWork"]


class CustomerRepository(Protocol):
    async def add(self, customer: Customer) -> None: ...

    async def get(self, customer_id: str, *, lock: bool = False) -> Customer | None:
        """The customer; ``lock`` holds it against concurrent changes until the work ends."""

    async def save(self, customer: Customer) -> None: ...


class AccountRepository(Protocol):
    async def add(self, account: Account) -> None: ...

    async def get(self, account_id: str, *, lock: bool = False) -> Account | None:
        """The account; ``lock`` holds it against concurrent changes until the work ends."""

    async def save(self, account: Account) -> None: ...

    async def of_customer(self, customer_id: str, *, lock: bool = False) -> list[Account]:
        """The customer's accounts in the order they were opened."""

    async def due(self, now: datetime) -> list[str]:
        """Accounts with a suspension or a promised payment that ends at or before ``now``."""

    async def lock_many(self, account_ids: Sequence[str]) -> list[Account]:
        """Those of the accounts that exist, locked in id order until the work ends."""

    async def save_states(self, changed: Sequence[Account]) -> None:
        """Store the lifecycle state (status, block reason, suspension, promise) of many."""

    async def remind_promises(self, now: datetime, limit: int) -> list[Ending]:
        """Mark up to ``limit`` promises ending within a day, not reminded of yet, reminded."""

    async def remind_suspensions(self, now: datetime, limit: int) -> list[Ending]:
        """Mark up to ``limit`` suspensions ending within a day, not reminded of yet, reminded."""


class LineRepository(Protocol):
    async def add(self, line: Line) -> None:
        """Store a line; raises ``MsisdnTaken`` when its number is active elsewhere."""

    async def active(self, msisdn: str) -> Line | None: ...
    async def of_account(self, account_id: str) -> list[Line]: ...
    async def lock(self, line_id: str) -> Line | None: ...
    async def save(self, line: Line) -> None: ...
    async def quarantined_until(self, msisdn: str, now: datetime) -> datetime | None:
        """When the number is free again, if a closed line of it is still in quarantine."""

    async def with_pending_change(self, now: datetime) -> list[str]:
        """Lines whose plan change takes effect at or before ``now``."""


class PlanReplica(Protocol):
    async def add(self, plan: Plan) -> None: ...

    async def latest(self, code: str) -> Plan | None:
        """The highest published version of the plan."""


class BalanceReplica(Protocol):
    async def get(self, account_id: str) -> Balance | None: ...
    async def get_many(self, account_ids: Sequence[str]) -> dict[str, Balance]: ...

    async def save(self, balance: Balance) -> None:
        """Store the balance unless a newer one is already held."""


class AuditLog(Protocol):
    async def record(self, entry: AuditEntry) -> None: ...
    async def record_many(self, entries: Sequence[AuditEntry]) -> None: ...


class BonusLedger(Protocol):
    async def add(self, movement: BonusMovement) -> None: ...
    async def has(self, account_id: str, reason: str) -> bool: ...
    async def of_account(self, account_id: str) -> list[BonusMovement]: ...


class InvoiceReplica(Protocol):
    """The postpaid invoices invoicing announced: due dates, overdue and paid marks."""

    async def record_issued(self, invoice_id: str, account_id: str, due_date: date) -> None: ...
    async def due_date(self, invoice_id: str) -> date | None: ...
    async def mark_overdue(self, invoice: OverdueInvoice) -> None: ...
    async def mark_paid(self, invoice_id: str, account_id: str, at: datetime) -> None: ...

    async def blocking(self, account_id: str, now: datetime) -> bool:
        """Whether an overdue invoice of the account is unpaid past its grace at ``now``."""

    async def blocking_among(self, account_ids: Sequence[str], now: datetime) -> set[str]:
        """Those of the accounts with an overdue invoice unpaid past its grace at ``now``."""

    async def accounts_to_block(self, now: datetime) -> list[str]:
        """Active accounts with an overdue invoice unpaid past its grace at ``now``."""


class OtpChallenges(Protocol):
    async def add(self, challenge: Challenge) -> None: ...

    async def live(self, msisdn: str, now: datetime) -> Challenge | None:
        """The number's live challenge, held against concurrent tries until the work ends."""

    async def save(self, challenge: Challenge) -> None: ...

    async def void_live(self, msisdn: str) -> None:
        """Void every unused code of the number: only the newest one counts."""

    async def purge(self, before: datetime) -> int:
        """Forget challenges that expired before ``before``."""


class OtpRequests(Protocol):
    async def hold(self, msisdn: str) -> None:
        """Serialise requests for one number until the work ends."""

    async def count(self, since: datetime, *, msisdn: str | None = None,
                    client: str | None = None) -> int: ...

    async def oldest(self, since: datetime, *, msisdn: str | None = None,
                     client: str | None = None) -> datetime | None: ...

    async def record(self, at: datetime, msisdn: str, client: str) -> None: ...

    async def purge(self, before: datetime) -> int: ...


class LoginRepository(Protocol):
    async def add(self, login: Login) -> None:
        """Store a new login; raises ``LoginTaken`` when another account holds it."""

    async def of_account(self, account_id: str, *, lock: bool = False) -> Login | None: ...

    async def named(self, login: str, *, lock: bool = False) -> Login | None:
        """The login by its name; ``lock`` serialises tries until the work ends."""

    async def save(self, login: Login) -> None: ...


class PasswordHasher(Protocol):
    """A slow, salted hash of passwords and setup codes; ``verify`` never raises on a mismatch."""

    def hash(self, secret: str) -> str: ...
    def verify(self, hashed: str | None, secret: str) -> bool: ...


class CodeSender(Protocol):
    """Hands a one-time code to the notifications service, never through the event outbox."""

    def send(self, code: OneTimeCode) -> None: ...


class TokenIssuer(Protocol):
    @property
    def ttl(self) -> timedelta: ...

    def issue(self, principal: Principal) -> str: ...


class UnitOfWork(BaseUnitOfWork, Protocol):
    @property
    def customers(self) -> CustomerRepository: ...

    @property
    def accounts(self) -> AccountRepository: ...

    @property
    def lines(self) -> LineRepository: ...

    @property
    def plans(self) -> PlanReplica: ...

    @property
    def balances(self) -> BalanceReplica: ...

    @property
    def audit(self) -> AuditLog: ...

    @property
    def bonus(self) -> BonusLedger: ...

    @property
    def invoices(self) -> InvoiceReplica: ...

    @property
    def otp_challenges(self) -> OtpChallenges: ...

    @property
    def otp_requests(self) -> OtpRequests: ...

    @property
    def logins(self) -> LoginRepository: ...
