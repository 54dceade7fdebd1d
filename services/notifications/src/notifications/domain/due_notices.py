"""The notices of what comes due: a payment reminder, an invoice overdue, a promised payment
expiring tomorrow and a suspension ending tomorrow (SPEC N3), in ro, ru and en.

Each is sent once per event (the inbox and one delivery per channel), by SMS and email as the
account's contact allows, like every other notice.
"""

from __future__ import annotations

from notifications.domain.notices import Notice

__all__ = ["DUE_NOTICES"]

DUE_NOTICES = [
    Notice("invoicing.invoice.reminded",
           frozenset({"invoice_id", "number", "due_date", "amount_due", "currency"}), {
        "ro": ("Termenul de plată se apropie", "Factura $number de $amount_due $currency a "
               "contului $account_id trebuie achitată până la $due_date. Dacă ați plătit deja, "
               "ignorați acest mesaj."),
        "ru": ("Напоминание об оплате", "Счёт $number на $amount_due $currency по лицевому "
               "счёту $account_id нужно оплатить до $due_date. Если вы уже оплатили, не "
               "обращайте внимания на это сообщение."),
        "en": ("Payment reminder", "Invoice $number of $amount_due $currency for account "
               "$account_id is due on $due_date. If you have already paid, please ignore this "
               "message."),
    }),
    Notice("invoicing.invoice.overdue", frozenset({"invoice_id"}), {
        "ro": ("Factură restantă", "O factură a contului $account_id nu a fost achitată la "
               "termen. Achitați-o pentru a evita blocarea serviciilor."),
        "ru": ("Счёт просрочен", "Счёт по лицевому счёту $account_id не оплачен в срок. "
               "Оплатите его, чтобы услуги не были заблокированы."),
        "en": ("Invoice overdue", "An invoice of account $account_id was not paid by its due "
               "date. Please pay it to keep your services running."),
    }),
    Notice("accounts.promised_payment.expiring", frozenset({"until"}), {
        "ro": ("Plata promisă expiră mâine", "Plata promisă pentru contul $account_id expiră "
               "la $until. Achitați datoria până atunci pentru a evita blocarea."),
        "ru": ("Обещанный платёж истекает завтра", "Обещанный платёж по лицевому счёту "
               "$account_id истекает $until. Оплатите долг до этого времени, чтобы избежать "
               "блокировки."),
        "en": ("Promised payment ends tomorrow", "The promised payment for account $account_id "
               "ends on $until. Pay the debt by then to avoid a block."),
    }),
    Notice("accounts.account.resuming", frozenset({"from", "until"}), {
        "ro": ("Suspendarea se încheie mâine", "Suspendarea la cerere a contului $account_id se "
               "încheie la $until; serviciile vor fi reluate."),
        "ru": ("Добровольная блокировка заканчивается завтра", "Приостановка услуг по лицевому "
               "счёту $account_id заканчивается $until; услуги будут возобновлены."),
        "en": ("Suspension ends tomorrow", "The suspension of account $account_id ends on "
               "$until; your services will resume."),
    }),
]
