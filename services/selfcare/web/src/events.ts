// The names of the notices (the notifications service's events) in each language.

import type { Language } from "./config";

const NAMES: Record<Language, Record<string, string>> = {
  en: {
    "invoicing.invoice.issued": "New invoice", "invoicing.balance.changed": "Balance changed",
    "payments.payment.succeeded": "Payment received", "payments.payment.failed": "Payment failed",
    "payments.autopay.failed": "Automatic payment failed",
    "accounts.account.blocked": "Services blocked", "accounts.account.unblocked": "Services unblocked",
    "accounts.promised_payment.granted": "Promised payment granted",
    "accounts.promised_payment.expired": "Promised payment expired",
    "accounts.account.suspended": "Services suspended", "accounts.account.resumed": "Services resumed",
    "invoicing.detailed_bill.ready": "Detailed bill ready", "accounts.bonus.awarded": "Bonus points",
  },
  ro: {
    "invoicing.invoice.issued": "Factură nouă", "invoicing.balance.changed": "Soldul s-a schimbat",
    "payments.payment.succeeded": "Plată primită", "payments.payment.failed": "Plată eșuată",
    "payments.autopay.failed": "Plata automată a eșuat",
    "accounts.account.blocked": "Servicii blocate", "accounts.account.unblocked": "Servicii deblocate",
    "accounts.promised_payment.granted": "Plată promisă acordată",
    "accounts.promised_payment.expired": "Plata promisă a expirat",
    "accounts.account.suspended": "Servicii suspendate", "accounts.account.resumed": "Servicii reluate",
    "invoicing.detailed_bill.ready": "Factura detaliată este gata", "accounts.bonus.awarded": "Puncte bonus",
  },
  ru: {
    "invoicing.invoice.issued": "Новый счёт", "invoicing.balance.changed": "Баланс изменился",
    "payments.payment.succeeded": "Платёж получен", "payments.payment.failed": "Платёж не прошёл",
    "payments.autopay.failed": "Автоплатёж не прошёл",
    "accounts.account.blocked": "Услуги заблокированы", "accounts.account.unblocked": "Услуги разблокированы",
    "accounts.promised_payment.granted": "Обещанный платёж предоставлен",
    "accounts.promised_payment.expired": "Обещанный платёж истёк",
    "accounts.account.suspended": "Услуги приостановлены", "accounts.account.resumed": "Услуги возобновлены",
    "invoicing.detailed_bill.ready": "Детализация готова", "accounts.bonus.awarded": "Бонусные баллы",
  },
};

export function eventName(language: Language, event: string): string {
  return NAMES[language][event] ?? event;
}
