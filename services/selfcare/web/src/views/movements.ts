// Movements in and out, and the statistics per month as a bar chart (seed 003); below them the
// payments made, a page at a time; the movements newest first, a page at a time too.

import { call } from "../api";
import { esc, field, render } from "../dom";
import { day, money, monthName, sentence, t } from "../i18n";
import type { Month, Movement } from "../types";
import { historySection, showHistory } from "./history";

interface Statistics {
  currency: string;
  months: Month[];
}

interface MovementPage {
  items: Movement[];
  next_cursor: string | null;
}

// Newest first, a page at a time: "more" asks the ledger API for the page after its cursor.
const PAGE = 50;

export async function movementsView(accountId: string): Promise<void> {
  const stats = await call<Statistics>(
    "invoicing", `/v1/accounts/${accountId}/statistics?months=6`, "movements");
  const first = await movements(accountId, null);
  const root = render(`<h1>${esc(t("movements.title"))}</h1>
    <section class="card" aria-labelledby="stats-title">
      <h2 id="stats-title">${esc(t("movements.stats"))}</h2>
      ${chart(stats)}
    </section>
    <section class="card" aria-labelledby="list-title">
      <h2 id="list-title">${esc(t("movements.list"))}</h2>
      <p class="notice" role="status" id="ledger-notice"></p>
      <div id="ledger">${first.items.length ? table(first.items) : `<p>${esc(t("movements.none"))}</p>`}</div>
      <button type="button" class="secondary" id="ledger-more"${
        first.next_cursor === null ? " hidden" : ""}>${esc(t("movements.more"))}</button>
    </section>
    ${historySection()}`);
  wireMore(root, accountId, first.next_cursor);
  await showHistory(root, accountId);
}

async function movements(accountId: string, cursor: string | null): Promise<MovementPage> {
  const after = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
  return await call<MovementPage>(
    "invoicing", `/v1/accounts/${accountId}/ledger?order=newest&limit=${PAGE}${after}`, "movements");
}

function wireMore(root: HTMLElement, accountId: string, cursor: string | null): void {
  const more = field<HTMLButtonElement>(root, "#ledger-more");
  more.addEventListener("click", () => void (async () => {
    try {
      const found = await movements(accountId, cursor);
      field(root, "#ledger-rows").insertAdjacentHTML("beforeend", found.items.map(row).join(""));
      cursor = found.next_cursor;
      more.hidden = cursor === null;
    } catch (error) {
      field(root, "#ledger-notice").textContent = sentence(error);
    }
  })());
}

function chart(stats: Statistics): string {
  const top = Math.max(1, ...stats.months.flatMap((m) => [Number(m.total_charges), Number(m.payments)]));
  const bar = (value: string, kind: string) =>
    `<span class="bar ${kind}" style="height:${Math.round((Number(value) / top) * 100)}%"></span>`;
  const columns = stats.months.map((m) => `<li>
      <div class="bars" aria-hidden="true">${bar(m.total_charges, "charges")}${bar(m.payments, "payments")}</div>
      <span class="label">${esc(monthName(m.month))}</span>
      <span class="sr">${esc(`${t("movements.charges")}: ${money(m.total_charges, stats.currency)}, ${
        t("movements.payments")}: ${money(m.payments, stats.currency)}`)}</span>
    </li>`).join("");
  return `<div class="scroll" tabindex="0" role="region" aria-label="${esc(t("movements.stats"))}">
      <ul class="chart">${columns}</ul></div>
    <p class="legend"><span class="key charges"></span>${esc(t("movements.charges"))}
      <span class="key payments"></span>${esc(t("movements.payments"))}</p>`;
}

function row(m: Movement): string {
  return `<tr data-movement="${esc(m.id)}"><td>${esc(day(m.date))}</td><td>${esc(m.description)}</td>
    <td class="num ${Number(m.amount) < 0 ? "debt" : "credit"}">${esc(money(m.amount, m.currency))}</td></tr>`;
}

function table(ledger: Movement[]): string {
  return `<div class="scroll" tabindex="0" role="region" aria-label="${esc(t("movements.list"))}">
    <table><thead><tr><th scope="col">${esc(t("movements.date"))}</th>
    <th scope="col">${esc(t("movements.description"))}</th>
    <th scope="col" class="num">${esc(t("movements.amount"))}</th></tr></thead>
    <tbody id="ledger-rows">${ledger.map(row).join("")}</tbody></table></div>`;
}
