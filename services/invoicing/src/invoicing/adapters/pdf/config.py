"""The settings the document engine reads (fields of the invoicing settings, prefix ``INVOICING_``).

| setting | meaning |
|---|---|
| ``INVOICING_DOCUMENTS_DIR`` | where development credentials are made at first start (``var/invoicing``) |
| ``INVOICING_FONTS_DIR`` | folder holding ``DejaVuSans.ttf`` and ``DejaVuSans-Bold.ttf`` |
| ``INVOICING_SIGNING_KEY`` | the operator's PKCS#12 file (``.p12``/``.pfx``) or PEM key; empty: dev |
| ``INVOICING_SIGNING_CERT`` | the PEM certificate of a PEM key (then its chain, if the file has more) |
| ``INVOICING_SIGNING_PASSPHRASE`` | the passphrase of the key or PKCS#12 file |
| ``INVOICING_TRUST_ROOTS`` | a PEM bundle of the roots that verification trusts (operator CA, TSA CA) |
| ``INVOICING_TSA_URL`` | the RFC 3161 time-stamping authority; empty: the development TSA, in-process |
| ``INVOICING_SIGNING_WORKERS`` | processes that render and sign; 0: one per CPU |
| ``INVOICING_OPERATOR_*`` | ``NAME``, ``ADDRESS``, ``FISCAL_CODE``, ``BANK_ACCOUNT`` of the issuer |
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from pydantic import SecretStr

from invoicing.domain.statement import Operator

__all__ = ["DEFAULT_DOCUMENTS_DIR", "DEFAULT_FONTS_DIR", "DocumentSettings", "operator_of"]

DEFAULT_DOCUMENTS_DIR = Path("var/invoicing")
DEFAULT_FONTS_DIR = Path("/usr/share/fonts/truetype/dejavu")


class DocumentSettings(Protocol):
    @property
    def documents_dir(self) -> Path: ...
    @property
    def fonts_dir(self) -> Path: ...
    @property
    def signing_key(self) -> str: ...
    @property
    def signing_cert(self) -> str: ...
    @property
    def signing_passphrase(self) -> SecretStr | None: ...
    @property
    def trust_roots(self) -> str: ...
    @property
    def tsa_url(self) -> str: ...
    @property
    def signing_workers(self) -> int: ...
    @property
    def operator_name(self) -> str: ...
    @property
    def operator_address(self) -> str: ...
    @property
    def operator_fiscal_code(self) -> str: ...
    @property
    def operator_bank_account(self) -> str: ...


def operator_of(settings: DocumentSettings) -> Operator:
    return Operator(settings.operator_name, settings.operator_address, settings.operator_fiscal_code,
                    settings.operator_bank_account)
