// The account's payments, newest first, a page at a time by the payments API's cursor.

import { call } from "../api";
import { esc, field } from "../dom";
import { day, has, money, sentence, t } from "../i18n";

interface HistoryEntry {
  id: string;
  status: string;
  amount: string;
  currency: string;
  channel: string;
  created_at: string;
}

interface HistoryPage {
  items: HistoryEntry[];
  next_cursor: string | null;
}

const PAGE = 20;

export function historySection(): string {
  return `<section class="card" aria-labelledby="history-title">
      <h2 id="history-title">${esc(t("history.title"))}</h2>
      <p class="notice" role="status" id="history-notice"></p>
      <div class="scroll" tabindex="0" role="region" aria-label="${esc(t("history.title"))}">
        <table><thead><tr><th scope="col">${esc(t("movements.date"))}</th>
          <th scope="col">${esc(t("history.channel"))}</th>
          <th scope="col">${esc(t("history.status"))}</th>
          <th scope="col" class="num">${esc(t("movements.amount"))}</th></tr></thead>
        <tbody id="history-rows"></tbody></table></div>
      <button type="button" class="secondary" id="history-more" hidden>${esc(t("history.more"))}</button>
    </section>`;
}

/** Show the first page, and each next one when asked. */
export async function showHistory(root: HTMLElement, accountId: string): Promise<void> {
  const more = field<HTMLButtonElement>(root, "#history-more");
  let cursor: string | null = await page(root, accountId, null);
  more.addEventListener("click", () => void (async () => {
    try {
      cursor = await page(root, accountId, cursor);
    } catch (error) {
      field(root, "#history-notice").textContent = sentence(error);
    }
  })());
}

async function page(root: HTMLElement, accountId: string, cursor: string | null): Promise<string | null> {
  const after = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
  const found = await call<HistoryPage>(
    "payments", `/v1/accounts/${accountId}/payments?limit=${PAGE}${after}`, "history");
  const rows = field<HTMLElement>(root, "#history-rows");
  rows.insertAdjacentHTML("beforeend", found.items.map(row).join(""));
  if (!rows.children.length) rows.innerHTML = `<tr><td colspan="4">${esc(t("history.none"))}</td></tr>`;
  field<HTMLButtonElement>(root, "#history-more").hidden = found.next_cursor === null;
  return found.next_cursor;
}

function row(entry: HistoryEntry): string {
  const status = `history.${entry.status}`;
  return `<tr data-payment="${esc(entry.id)}"><td>${esc(day(entry.created_at))}</td>
    <td>${esc(entry.channel)}</td><td>${esc(has(status) ? t(status) : entry.status)}</td>
    <td class="num">${esc(money(entry.amount, entry.currency))}</td></tr>`;
}
