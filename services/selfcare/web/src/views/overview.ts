// The account at a glance: status, balance, promised payment, suspension, allowances per line.

import { call } from "../api";
import { dl, esc, field, notice, render } from "../dom";
import { day, has, money, sentence, t } from "../i18n";
import type { Account, Allowance, Line, LineAllowances } from "../types";

export async function overviewView(accountId: string): Promise<void> {
  const account = await call<Account>("accounts", `/v1/accounts/${accountId}`, "overview");
  const lines = await call<Line[]>("accounts", `/v1/accounts/${accountId}/lines`, "overview");
  const allowances = await Promise.all(lines.map((line) => allowancesOf(line)));
  const root = render(`
    <h1>${esc(t("overview.title"))}</h1>
    <p class="notice" role="status"></p>
    <div class="grid">
      <section class="card" aria-labelledby="balance-title">${balance(account)}</section>
      <section class="card" aria-labelledby="status-title">${status(account)}</section>
    </div>
    <section class="card" aria-labelledby="lines-title">
      <h2 id="lines-title">${esc(t("overview.lines"))}</h2>
      ${allowances.map(lineCard).join("")}
    </section>`);
  const promise = root.querySelector("#promise");
  promise?.addEventListener("click", () => void askPromise(root, account));
}

async function allowancesOf(line: Line): Promise<LineAllowances> {
  try {
    return await call<LineAllowances>("rating", `/v1/lines/${line.msisdn}/allowances`, "overview");
  } catch {
    return { msisdn: line.msisdn, plan_code: line.plan_code, allowances: [] };
  }
}

function balance(account: Account): string {
  const value = Number(account.balance);
  const amount = money(String(Math.abs(value)), account.currency);
  const words = value < 0 ? t("overview.debt", { amount })
    : value > 0 ? t("overview.advance", { amount }) : t("overview.settled");
  const pay = value < 0 ? `<a class="button" href="#/pay">${esc(t("overview.payNow"))}</a>` : "";
  return `<h2 id="balance-title">${esc(t("overview.balance"))}</h2>
    <p class="big ${value < 0 ? "debt" : "credit"}" data-testid="balance">${esc(words)}</p>${pay}`;
}

function status(account: Account): string {
  const key = `status.${account.status}`;
  const rows: string[] = [`<p class="big" data-testid="status">${esc(has(key) ? t(key) : account.status)}</p>`];
  if (account.suspension) {
    rows.push(`<p>${esc(t("overview.suspension", {
      from: day(account.suspension.from), until: day(account.suspension.until) }))}</p>`);
  }
  rows.push(promised(account));
  return `<h2 id="status-title">${esc(t("overview.status"))}</h2>${rows.join("")}`;
}

function promised(account: Account): string {
  if (account.promised_payment) {
    return `<h3>${esc(t("overview.promised"))}</h3><p data-testid="promised">${esc(
      t("overview.promisedUntil", { date: day(account.promised_payment.until) }))}</p>`;
  }
  if (Number(account.balance) >= 0) return "";
  return `<button type="button" id="promise">${esc(t("overview.askPromised"))}</button>`;
}

async function askPromise(root: HTMLElement, account: Account): Promise<void> {
  try {
    const granted = await call<{ until: string }>(
      "accounts", `/v1/accounts/${account.id}/promised-payment`, "promised", { method: "POST" });
    notice(root, t("overview.promisedGranted", { date: day(granted.until) }));
    field(root, "#promise").replaceWith(promisedNote(granted.until));
  } catch (error) {
    notice(root, sentence(error), "error");
  }
}

function promisedNote(until: string): HTMLElement {
  const note = document.createElement("p");
  note.dataset.testid = "promised";
  note.textContent = t("overview.promisedUntil", { date: day(until) });
  return note;
}

function lineCard(line: LineAllowances): string {
  const items = line.allowances.map(allowance).join("");
  return `<article class="line"><h3>+${esc(line.msisdn)}</h3>
    <p>${esc(t("overview.plan", { plan: line.plan_code }))}</p>
    ${items ? dl([]).replace("</dl>", `${items}</dl>`) : `<p>${esc(t("overview.noAllowances"))}</p>`}
  </article>`;
}

function allowance(item: Allowance): string {
  return `<dt>${esc(item.type)}</dt><dd>${esc(t("overview.remaining", {
    remaining: item.remaining, quantity: item.quantity, unit: item.unit }))}</dd>`;
}
