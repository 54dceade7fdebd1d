// Back from the gateway: the payment shows as processing until the gateway confirms it.

import { call } from "../api";
import { esc, render } from "../dom";
import { money, sentence, t } from "../i18n";
import type { Payment } from "../types";
import { pendingPayment } from "./pay";

const POLL_MS = 1000;

export async function paymentView(stillHere: () => boolean): Promise<void> {
  const id = pendingPayment();
  if (!id) {
    render(`<h1>${esc(t("pay.title"))}</h1><p>${esc(t("pay.unknown"))}</p>`);
    return;
  }
  let payment = await fetchPayment(id);
  while (stillHere() && pending(payment.status)) {
    show(payment);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    payment = await fetchPayment(id);
  }
  if (stillHere()) show(payment);
}

async function fetchPayment(id: string): Promise<Payment> {
  return await call<Payment>("payments", `/v1/payments/${id}`, "payment");
}

function pending(status: string): boolean {
  return status === "requires_action" || status === "processing";
}

function show(payment: Payment): void {
  const amount = money(payment.amount, payment.currency);
  const text = pending(payment.status) ? t("pay.processing", { amount })
    : payment.status === "succeeded" ? t("pay.succeeded", { amount })
      : t("pay.failed", { reason: payment.failure_reason ?? sentence(null) });
  render(`<h1>${esc(t("pay.title"))}</h1>
    <section class="card narrow">
      <p class="big" role="status" data-testid="payment-status" data-status="${esc(
        payment.status)}">${esc(text)}</p>
      <a class="button" href="#/">${esc(t("pay.back"))}</a>
    </section>`);
}
