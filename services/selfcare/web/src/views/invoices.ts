// The last six invoices, each with its statement figures, the signed PDF and "pay".

import { call, download } from "../api";
import { dl, esc, notice, render } from "../dom";
import { day, has, money, sentence, t } from "../i18n";
import type { Invoice } from "../types";

export async function invoicesView(accountId: string): Promise<void> {
  const invoices = await call<Invoice[]>(
    "invoicing", `/v1/accounts/${accountId}/invoices?limit=6`, "invoices");
  const root = render(`
    <h1>${esc(t("invoices.title"))}</h1>
    <p class="notice" role="status"></p>
    ${invoices.length ? invoices.map(card).join("") : `<p>${esc(t("invoices.none"))}</p>`}`);
  for (const button of root.querySelectorAll<HTMLButtonElement>("button[data-pdf]")) {
    const invoice = invoices.find((i) => i.id === button.dataset.pdf);
    if (invoice) button.addEventListener("click", () => void savePdf(root, invoice));
  }
}

function card(invoice: Invoice): string {
  const m = (amount: string) => money(amount, invoice.currency);
  const statusKey = `invoice.${invoice.status}`;
  const due = Number(invoice.amount_due) > 0 && invoice.status !== "paid";
  return `<article class="card invoice" data-invoice="${esc(invoice.number)}"
      aria-labelledby="inv-${esc(invoice.id)}">
    <h2 id="inv-${esc(invoice.id)}">${esc(t("invoices.number", { number: invoice.number }))}
      <span class="badge ${esc(invoice.status)}" data-testid="invoice-status">${esc(
        has(statusKey) ? t(statusKey) : invoice.status)}</span></h2>
    ${dl([
      [t("invoices.period"), `${day(invoice.period_start)} – ${day(invoice.period_end)}`],
      [t("invoices.issued"), day(invoice.issued_at)],
      [t("invoices.due"), invoice.due_date ? day(invoice.due_date) : "—"],
      [t("invoices.opening"), m(invoice.opening_balance)],
      [t("invoices.charges"), m(invoice.total_charges)],
      [t("invoices.vat"), m(invoice.vat_total)],
      [t("invoices.paid"), m(invoice.total_paid)],
      [t("invoices.closing"), m(invoice.closing_balance)],
      [t("invoices.amountDue"), m(invoice.amount_due)],
    ])}
    <div class="actions">
      <button type="button" class="secondary" data-pdf="${esc(invoice.id)}">${esc(
        t("invoices.pdf"))}</button>
      ${due ? `<a class="button" href="#/pay?invoice=${esc(invoice.id)}">${esc(
        t("invoices.pay"))}</a>` : ""}
    </div>
  </article>`;
}

async function savePdf(root: HTMLElement, invoice: Invoice): Promise<void> {
  try {
    const blob = await download("invoicing", `/v1/invoices/${invoice.id}/pdf`, "invoices");
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = `${invoice.number}.pdf`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 30_000);
  } catch (error) {
    notice(root, sentence(error), "error");
  }
}
