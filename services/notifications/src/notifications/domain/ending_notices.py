"""The notices of what payments ends or gives back without the subscriber's payment arriving:
an autopay mandate the system ended, a registry row returned to its payer.

* ``payments.autopay.ended``: told when the system ended the mandate (the account closed, its
  payment mode changed); a mandate the subscriber switched off (``cancelled``) is not told back.
  ``$why`` says the reason in the subscriber's language.
* ``payments.registry_row.returned``: told only when the row names an account the payments
  replica knows (``account_id``); a row that named none has nobody to tell. A closed row is
  told to nobody: nothing was paid or given back.
"""

from __future__ import annotations

from collections.abc import Mapping

from notifications.domain.contact import Contact
from notifications.domain.formatting import message_values
from notifications.domain.notices import Notice

__all__ = ["AUTOPAY_ENDED", "ROW_RETURNED", "autopay_ended_values", "row_returned_values", "told"]

AUTOPAY_ENDED = Notice("payments.autopay.ended", frozenset({
    "mode", "reason", "why", "ended_at", "payment_method_id", "payment_mode"}), {
    "ro": ("Plata automată a fost oprită", "Plata automată pentru contul $account_id a fost "
           "oprită: $why. Cardul dumneavoastră nu mai este debitat automat pentru acest cont."),
    "ru": ("Автоплатёж отключён", "Автоплатёж по лицевому счёту $account_id отключён: $why. "
           "С карты больше не будут автоматически списываться средства за этот счёт."),
    "en": ("Autopay switched off", "Autopay for account $account_id has been switched off: "
           "$why. Your card is no longer charged automatically for this account."),
})

ROW_RETURNED = Notice("payments.registry_row.returned", frozenset({
    "registry_id", "row", "reference", "amount", "currency", "channel", "sender", "reason"}), {
    "ro": ("Plată returnată", "Plata de $amount $currency (referința $reference) pentru contul "
           "$account_id nu a putut fi înregistrată și se returnează plătitorului: $reason."),
    "ru": ("Платёж возвращён", "Платёж $amount $currency (референс $reference) на лицевой счёт "
           "$account_id не удалось зачислить, он возвращается плательщику: $reason."),
    "en": ("Payment returned", "A payment of $amount $currency (reference $reference) for "
           "account $account_id could not be credited and is being returned to the payer: "
           "$reason."),
})

_WHY = {
    "account_closed": {"ro": "contul a fost închis", "ru": "лицевой счёт закрыт",
                       "en": "the account was closed"},
    "mode_unsuitable": {"ro": "modul de plată al contului s-a schimbat",
                        "ru": "изменился способ оплаты лицевого счёта",
                        "en": "the account's payment mode changed"},
}


def told(routing_key: str, payload: Mapping[str, object]) -> bool:
    """Whether the subscriber hears of this event at all (see the module's notes)."""
    if routing_key == AUTOPAY_ENDED.event:
        return payload.get("reason") != "cancelled"
    if routing_key == ROW_RETURNED.event:
        return bool(payload.get("account_id"))
    return True


def autopay_ended_values(payload: Mapping[str, object], contact: Contact,
                         language: str) -> dict[str, str]:
    values = message_values(payload, contact, language)
    reason = str(payload.get("reason"))
    values["why"] = _WHY.get(reason, {}).get(language, reason)
    return values


def row_returned_values(payload: Mapping[str, object], contact: Contact,
                        language: str) -> dict[str, str]:
    """The row's amount as read, else as the row gave it."""
    values = message_values(payload, contact, language)
    if payload.get("amount") is None:
        values["amount"] = str(payload.get("amount_given"))
    return values
