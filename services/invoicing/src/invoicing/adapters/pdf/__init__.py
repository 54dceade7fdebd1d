"""The document engine: statements into signed, timestamped PDF e-bills and paper print batches.

``build_renderer(settings)`` gives the ``PdfRenderer`` (``render``, ``render_print_batch``,
``close``); ``build_verifier(settings)`` the ``PdfVerifier`` whose ``verify(pdf)`` says whether a
PDF is an intact, validly signed and timestamped document of this operator.
"""

from __future__ import annotations

from .config import DocumentSettings
from .credentials import UnusableCredentials, check_credentials
from .payment_code import InvalidPaymentCode, PaymentCode
from .renderer import PdfRenderer, build_renderer
from .verify import PdfVerifier, VerificationResult, build_verifier

__all__ = ["DocumentSettings", "InvalidPaymentCode", "PaymentCode", "PdfRenderer", "PdfVerifier",
           "UnusableCredentials", "VerificationResult", "build_renderer", "build_verifier",
           "check_credentials"]
