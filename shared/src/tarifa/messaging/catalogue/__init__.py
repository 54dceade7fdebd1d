"""The event catalogue of the contract: one data model per routing key, in one module per
producing service.

Money travels as decimal strings (pydantic renders ``Decimal`` as a string in JSON mode).
Models accept unknown fields so that producers may add data without breaking consumers.
"""

from __future__ import annotations

from tarifa.messaging.catalogue._base import EventData
from tarifa.messaging.catalogue.accounts import (
    AccountBlocked,
    AccountClosed,
    AccountOpened,
    AccountResumed,
    AccountResuming,
    AccountSuspended,
    AccountUnblocked,
    AccountUpdated,
    BonusAwarded,
    BonusRedeemed,
    LineActivated,
    LineClosed,
    LinePlanChanged,
    PromisedPaymentExpired,
    PromisedPaymentExpiring,
    PromisedPaymentGranted,
)
from tarifa.messaging.catalogue.invoicing import (
    BalanceChanged,
    ChargePosted,
    DetailedBillReady,
    InvoiceIssued,
    InvoiceOverdue,
    InvoicePaid,
    InvoiceReminded,
    MonthlyDetailedBillReady,
)
from tarifa.messaging.catalogue.notifications import (
    MessageFailed,
    MessageSent,
)
from tarifa.messaging.catalogue.payments import (
    AutopayEnded,
    AutopayFailed,
    AutopaySet,
    PaymentFailed,
    PaymentMethodActivated,
    PaymentMethodFailed,
    PaymentSucceeded,
    RefundSucceeded,
    RegistryImported,
    RegistryRowClosed,
    RegistryRowReturned,
)
from tarifa.messaging.catalogue.rating import (
    AccountUsage,
    AllowanceExhausted,
    FeeCharged,
    PackagePublished,
    PackageSwitchedOff,
    PackageSwitchedOn,
    PlanPublished,
    RatedItem,
    RerateItem,
    UsageRated,
    UsageRerated,
    UsageTotals,
)

__all__ = [
    "CATALOGUE",
    "AccountBlocked",
    "AccountClosed",
    "AccountOpened",
    "AccountResumed",
    "AccountResuming",
    "AccountSuspended",
    "AccountUnblocked",
    "AccountUpdated",
    "AccountUsage",
    "AllowanceExhausted",
    "AutopayEnded",
    "AutopayFailed",
    "AutopaySet",
    "BalanceChanged",
    "BonusAwarded",
    "BonusRedeemed",
    "ChargePosted",
    "DetailedBillReady",
    "EventData",
    "FeeCharged",
    "InvoiceIssued",
    "InvoiceOverdue",
    "InvoicePaid",
    "InvoiceReminded",
    "LineActivated",
    "LineClosed",
    "LinePlanChanged",
    "MessageFailed",
    "MessageSent",
    "MonthlyDetailedBillReady",
    "PackagePublished",
    "PackageSwitchedOff",
    "PackageSwitchedOn",
    "PaymentFailed",
    "PaymentMethodActivated",
    "PaymentMethodFailed",
    "PaymentSucceeded",
    "PlanPublished",
    "PromisedPaymentExpired",
    "PromisedPaymentExpiring",
    "PromisedPaymentGranted",
    "RatedItem",
    "RefundSucceeded",
    "RegistryImported",
    "RegistryRowClosed",
    "RegistryRowReturned",
    "RerateItem",
    "UsageRated",
    "UsageRerated",
    "UsageTotals",
]

CATALOGUE: dict[str, type[EventData]] = {
    model.routing_key: model
    for model in (
        AccountOpened, AccountUpdated, LineActivated, LinePlanChanged, LineClosed, AccountClosed,
        AccountSuspended,
        AccountResumed, AccountBlocked, AccountUnblocked, PromisedPaymentGranted,
        PromisedPaymentExpired, PromisedPaymentExpiring, AccountResuming, BonusAwarded,
        BonusRedeemed, PlanPublished, UsageRated,
        UsageRerated, FeeCharged, AllowanceExhausted, BalanceChanged, ChargePosted,
        InvoiceIssued, InvoicePaid, InvoiceOverdue, InvoiceReminded, DetailedBillReady,
        PaymentSucceeded,
        PaymentFailed, AutopayFailed, AutopaySet, AutopayEnded, RefundSucceeded,
        RegistryImported, RegistryRowReturned, RegistryRowClosed, PaymentMethodActivated,
        PaymentMethodFailed,
        MessageSent, MessageFailed,
        PackagePublished, PackageSwitchedOn, PackageSwitchedOff,
        MonthlyDetailedBillReady,
    )
}
