"""Posting exact charges of one account with their carries (``invoicing.domain.posting``)."""

from __future__ import annotations

from collections.abc import Sequence

from invoicing.domain.posting import ExactCharge, Posted, Postings
from invoicing.service.ports import UnitOfWork

__all__ = ["post_charges"]


async def post_charges(uow: UnitOfWork, account_id: str, currency: str,
                       charges: Sequence[ExactCharge]) -> list[Posted]:
    """Round each charge into minor units, in order; the account's ledger lock must be held."""
    postings = Postings(currency, await uow.invoices.invoiced_through(account_id), {}, set())
    keys = {key for charge in charges for key in postings.keys_for(charge)}
    postings.carries = await uow.carries.load(account_id, keys)
    posted = [postings.post(charge) for charge in charges]
    await uow.carries.save(account_id, {key: postings.carries[key] for key in postings.touched})
    return posted
