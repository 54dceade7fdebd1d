"""A billing run's progress and the documents signed, on ``/metrics`` (the process's registry)."""

from __future__ import annotations

from datetime import datetime

from prometheus_client import Counter, Gauge

from invoicing.domain.run import BillingRun, RunProgress

__all__ = ["DOCUMENTS_SIGNED", "PrometheusProgress"]

STAGES = Gauge("tarifa_billing_run_invoices", "Invoices of a billing run per stage "
               "(issued, documents, delivered) and accounts (accounts, failed)",
               ["run_id", "stage"])
ENDS = Gauge("tarifa_billing_run_estimated_end_seconds",
             "When a billing run should be done (Unix time; 0 while unknown)", ["run_id"])

DOCUMENTS_SIGNED = Counter("tarifa_documents_signed_total",
                           "PDF documents signed and timestamped, by kind (invoice, credit_note, "
                           "detailed_bill)", ["kind"])


class PrometheusProgress:
    def show(self, run: BillingRun, progress: RunProgress, ends: datetime | None) -> None:
        counts = {"accounts": run.accounts, "issued": progress.issued,
                  "documents": progress.documents, "delivered": progress.delivered,
                  "failed": progress.failed}
        for stage, count in counts.items():
            STAGES.labels(run.id, stage).set(count)
        ENDS.labels(run.id).set(ends.timestamp() if ends is not None else 0)
