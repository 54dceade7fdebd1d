// Pay by card: the gateway's hosted page (3-D Secure included) by redirect, and back. The
// limits shown (and checked before sending) are the payments API's, per kind of payment.

import { call } from "../api";
import { esc, field, notice, render } from "../dom";
import { sentence, t } from "../i18n";
import type { Account, Invoice } from "../types";
import { type PaymentLimits, limitsFor, limitsHint, outside } from "./limits";

const PENDING = "tarifa.payment";

export async function payView(accountId: string, params: URLSearchParams): Promise<void> {
  const account = await call<Account>("accounts", `/v1/accounts/${accountId}`, "pay");
  const invoices = await call<Invoice[]>(
    "invoicing", `/v1/accounts/${accountId}/invoices?limit=6`, "pay");
  const invoice = invoices.find((i) => i.id === params.get("invoice"))
    ?? invoices.find((i) => Number(i.amount_due) > 0 && i.status !== "paid");
  const limits = await limitsFor(account.currency);
  const amount = invoice ? invoice.amount_due : String(Math.max(0, -Number(account.balance)) || "");
  const root = render(form(account.currency, invoice, amount, limits));
  wire(root, account, invoice, limits);
}

function form(currency: string, invoice: Invoice | undefined, amount: string,
              limits: PaymentLimits | null): string {
  const purpose = (value: string, key: "pay.invoice" | "pay.advance" | "pay.topup",
                   checked: boolean) =>
    `<label class="choice"><input type="radio" name="purpose" value="${value}"${
      checked ? " checked" : ""}> ${esc(t(key))}</label>`;
  return `<h1>${esc(t("pay.title"))}</h1>
    <section class="card narrow">
      <p class="notice" role="status"></p>
      <form id="pay" novalidate>
        <fieldset><legend>${esc(t("pay.purpose"))}</legend>
          ${invoice ? purpose("invoice", "pay.invoice", true) : ""}
          ${purpose("advance", "pay.advance", !invoice)}
          ${purpose("topup", "pay.topup", false)}
        </fieldset>
        <div id="topup" hidden>
          <label for="msisdn">${esc(t("pay.msisdn"))}</label>
          <input id="msisdn" inputmode="tel" maxlength="16">
        </div>
        <label for="amount">${esc(t("pay.amount", { currency }))}</label>
        <p class="hint" id="limits">${esc(limitsHint(limits, invoice ? "invoice" : "advance"))}</p>
        <input id="amount" inputmode="decimal" value="${esc(amount)}" required
               aria-describedby="limits">
        <button type="submit">${esc(t("pay.submit"))}</button>
      </form>
    </section>`;
}

function wire(root: HTMLElement, account: Account, invoice: Invoice | undefined,
              limits: PaymentLimits | null): void {
  const form = field<HTMLFormElement>(root, "#pay");
  form.addEventListener("change", () => {
    field<HTMLElement>(root, "#topup").hidden = chosen(form) !== "topup";
    field(root, "#limits").textContent = limitsHint(limits, chosen(form));
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const payload = body(root, form, account, invoice);
    const refused = outside(limits, payload.purpose ?? "advance", payload.amount ?? "");
    if (refused) notice(root, refused, "error");
    else void start(root, payload);
  });
}

function chosen(form: HTMLFormElement): string {
  return new FormData(form).get("purpose")?.toString() ?? "advance";
}

function body(root: HTMLElement, form: HTMLFormElement, account: Account,
              invoice: Invoice | undefined): Record<string, string> {
  const purpose = chosen(form);
  const amount = field<HTMLInputElement>(root, "#amount").value.trim().replace(",", ".");
  const back = `${location.origin}${location.pathname}#/payment`;
  const base = { amount, currency: account.currency, purpose, return_url: back };
  if (purpose === "topup") {
    return { ...base, msisdn: field<HTMLInputElement>(root, "#msisdn").value.trim() };
  }
  const own = { ...base, account_id: account.id };
  return purpose === "invoice" && invoice ? { ...own, invoice_id: invoice.id } : own;
}

async function start(root: HTMLElement, payload: Record<string, string>): Promise<void> {
  try {
    const payment = await call<{ id: string; redirect_url: string | null }>(
      "payments", "/v1/payments", "pay", { method: "POST", body: JSON.stringify(payload),
        headers: { "Idempotency-Key": crypto.randomUUID() } });
    sessionStorage.setItem(PENDING, payment.id);
    notice(root, t("pay.redirect"));
    if (payment.redirect_url) location.assign(payment.redirect_url);
  } catch (error) {
    notice(root, sentence(error), "error");
  }
}

export function pendingPayment(): string | null {
  return sessionStorage.getItem(PENDING);
}
