"""The notices of account, balance and payment events: placeholders and built-in texts.

Each notice has one short text per language; the SMS is that text, the email wraps it in a
greeting and a closing under a subject. Operators override any of them per channel and language.
"""

from __future__ import annotations

from notifications.domain.templates import MessageTemplate

__all__ = ["NOTICES", "Notice"]

_GREETING = {"ro": "Bună ziua, $customer_name!", "ru": "Здравствуйте, $customer_name!",
             "en": "Hello, $customer_name!"}
_CLOSING = {"ro": "Vă mulțumim că sunteți alături de noi!", "ru": "Спасибо, что вы с нами!",
            "en": "Thank you for being with us!"}
_BASE = frozenset({"customer_name", "account_id"})

Texts = dict[str, tuple[str, str]]


class Notice:
    """One event's notice: the placeholders its data offers and its built-in templates."""

    def __init__(self, event: str, fields: frozenset[str], texts: Texts) -> None:
        self.event, self.placeholders = event, _BASE | fields
        self.defaults: dict[tuple[str, str], MessageTemplate] = {}
        for language, (subject, text) in texts.items():
            body = f"{_GREETING[language]}\n\n{text}\n\n{_CLOSING[language]}\n"
            self.defaults[("email", language)] = MessageTemplate(body, subject)
            self.defaults[("sms", language)] = MessageTemplate(text)


def _notice(event: str, fields: set[str], texts: Texts) -> Notice:
    return Notice(event, frozenset(fields), texts)


NOTICES = [
    _notice("payments.payment.succeeded", {"payment_id", "amount", "currency", "channel"}, {
        "ro": ("Plata a fost primită", "Am primit plata de $amount $currency pentru contul "
               "$account_id. Vă mulțumim!"),
        "ru": ("Платёж получен", "Получен платёж $amount $currency на лицевой счёт $account_id. "
               "Спасибо!"),
        "en": ("Payment received", "We received your payment of $amount $currency for account "
               "$account_id. Thank you!"),
    }),
    _notice("payments.payment.failed", {"payment_id", "reason"}, {
        "ro": ("Plata nu a reușit", "Plata pentru contul $account_id nu a reușit. Încercați din "
               "nou sau alegeți altă metodă de plată."),
        "ru": ("Платёж не прошёл", "Платёж по лицевому счёту $account_id не прошёл. Повторите "
               "попытку или выберите другой способ оплаты."),
        "en": ("Payment failed", "A payment for account $account_id failed. Please try again "
               "or choose another way to pay."),
    }),
    _notice("payments.autopay.failed", {"invoice_id", "attempt", "next_attempt_at", "reason",
                                        "amount", "currency"}, {
        "ro": ("Plata automată nu a reușit", "Plata automată de $amount $currency pentru contul "
               "$account_id nu a reușit (încercarea $attempt: $reason). Următoarea încercare: "
               "$next_attempt_at. Verificați cardul sau plătiți în contul de abonat."),
        "ru": ("Автоплатёж не прошёл", "Автоплатёж $amount $currency по лицевому счёту "
               "$account_id не прошёл (попытка $attempt: $reason). Следующая попытка: "
               "$next_attempt_at. Проверьте карту или оплатите в личном кабинете."),
        "en": ("Autopay failed", "The automatic payment of $amount $currency for account "
               "$account_id failed (attempt $attempt: $reason). Next attempt: $next_attempt_at. "
               "Check your card or pay in your subscriber account."),
    }),
    _notice("invoicing.balance.changed", {"balance", "currency", "cause"}, {
        "ro": ("Sold negativ", "Soldul contului $account_id este negativ: $balance $currency. "
               "Alimentați contul pentru a evita blocarea serviciilor."),
        "ru": ("Отрицательный баланс", "Баланс лицевого счёта $account_id отрицательный: "
               "$balance $currency. Пополните счёт, чтобы услуги не были заблокированы."),
        "en": ("Negative balance", "The balance of account $account_id is negative: $balance "
               "$currency. Please top up to keep your services running."),
    }),
    _notice("rating.allowance.exhausted", {"msisdn", "allowance"}, {
        "ro": ("Pachet consumat", "Pachetul $allowance al numărului $msisdn s-a epuizat pentru "
               "această lună. Consumul în continuare se taxează după tariful planului."),
        "ru": ("Пакет израсходован", "Пакет $allowance номера $msisdn израсходован в этом "
               "месяце. Дальнейшее потребление тарифицируется по тарифу плана."),
        "en": ("Allowance used up", "The $allowance allowance of $msisdn is used up for this "
               "month. Further usage is charged at the plan's prices."),
    }),
    _notice("invoicing.balance.low", {"balance", "currency", "threshold"}, {
        "ro": ("Sold redus", "Soldul contului $account_id a scăzut la $balance $currency, sub "
               "$threshold $currency. Alimentați contul pentru a folosi serviciile în continuare."),
        "ru": ("Низкий баланс", "Баланс лицевого счёта $account_id снизился до $balance "
               "$currency, ниже $threshold $currency. Пополните счёт, чтобы услуги не прервались."),
        "en": ("Low balance", "The balance of account $account_id is down to $balance $currency, "
               "below $threshold $currency. Please top up to keep your services running."),
    }),
    _notice("accounts.account.blocked", {"reason"}, {
        "ro": ("Contul a fost blocat", "Contul $account_id a fost blocat pentru datorie. "
               "Achitați datoria sau activați plata promisă pentru deblocare."),
        "ru": ("Лицевой счёт заблокирован", "Лицевой счёт $account_id заблокирован из-за долга. "
               "Оплатите долг или включите обещанный платёж."),
        "en": ("Account blocked", "Account $account_id is blocked for an unpaid balance. Pay "
               "the debt or switch on a promised payment to unblock it."),
    }),
    _notice("accounts.account.unblocked", {"reason"}, {
        "ro": ("Contul a fost deblocat", "Contul $account_id a fost deblocat. Serviciile sunt "
               "din nou disponibile."),
        "ru": ("Лицевой счёт разблокирован", "Лицевой счёт $account_id разблокирован. Услуги "
               "снова доступны."),
        "en": ("Account unblocked", "Account $account_id is unblocked. Your services are "
               "available again."),
    }),
    _notice("accounts.promised_payment.granted", {"until"}, {
        "ro": ("Plata promisă este activă", "Plata promisă pentru contul $account_id este "
               "activă până la $until. Achitați până atunci pentru a evita blocarea."),
        "ru": ("Обещанный платёж включён", "Обещанный платёж по лицевому счёту $account_id "
               "действует до $until. Оплатите до этого времени, чтобы избежать блокировки."),
        "en": ("Promised payment active", "The promised payment for account $account_id is "
               "active until $until. Pay by then to avoid a block."),
    }),
    _notice("accounts.promised_payment.expired", {"until"}, {
        "ro": ("Plata promisă a expirat", "Plata promisă pentru contul $account_id a expirat. "
               "Dacă soldul rămâne negativ, contul va fi blocat."),
        "ru": ("Обещанный платёж истёк", "Срок обещанного платежа по лицевому счёту "
               "$account_id истёк. При отрицательном балансе счёт будет заблокирован."),
        "en": ("Promised payment expired", "The promised payment for account $account_id has "
               "expired. With a negative balance the account is blocked again."),
    }),
    _notice("accounts.account.suspended", {"from", "until"}, {
        "ro": ("Suspendare la cerere", "Serviciile contului $account_id sunt suspendate la "
               "cererea dumneavoastră de la $from până la $until."),
        "ru": ("Добровольная блокировка", "Услуги по лицевому счёту $account_id приостановлены "
               "по вашему запросу с $from до $until."),
        "en": ("Suspension started", "Services of account $account_id are suspended at your "
               "request from $from until $until."),
    }),
    _notice("accounts.account.resumed", {"from", "until"}, {
        "ro": ("Serviciile au fost reluate", "Suspendarea s-a încheiat: serviciile contului "
               "$account_id sunt din nou active."),
        "ru": ("Услуги возобновлены", "Приостановка закончилась: услуги по лицевому счёту "
               "$account_id снова активны."),
        "en": ("Services resumed", "The suspension has ended: services of account $account_id "
               "are active again."),
    }),
    _notice("invoicing.detailed_bill.ready", {"document_id"}, {
        "ro": ("Factura detaliată este gata", "Factura detaliată a contului $account_id este "
               "gata. O găsiți în contul de abonat."),
        "ru": ("Детализация готова", "Детализация по лицевому счёту $account_id готова. Она "
               "доступна в личном кабинете."),
        "en": ("Detailed bill ready", "The detailed bill of account $account_id is ready. Find "
               "it in your subscriber account."),
    }),
    _notice("accounts.bonus.awarded", {"points", "reason"}, {
        "ro": ("Puncte bonus", "Ați primit $points puncte bonus în contul $account_id."),
        "ru": ("Бонусные баллы", "На лицевой счёт $account_id начислено $points бонусных "
               "баллов."),
        "en": ("Bonus points", "You received $points bonus points on account $account_id."),
    }),
]
