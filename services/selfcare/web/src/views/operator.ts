// The operator's desk: log in with the client credentials of an operator client (OAuth2), find
// an account by phone number or account number, and open it as its subscriber sees it.

import { call } from "../api";
import { esc, field, notice, render } from "../dom";
import { money, sentence, t } from "../i18n";
import { endSession, roleOf, startSession, viewAccount } from "../session";
import type { Account } from "../types";

export function operatorForm(): string {
  return `<form id="operator" hidden novalidate>
      <label for="client-id">${esc(t("operator.client"))}</label>
      <input id="client-id" autocomplete="username" required maxlength="200">
      <label for="client-secret">${esc(t("operator.secret"))}</label>
      <input id="client-secret" type="password" autocomplete="current-password" required
             maxlength="200">
      <button type="submit">${esc(t("login.verify"))}</button>
    </form>`;
}

export function wireOperator(root: HTMLElement, done: () => void): void {
  field(root, "#to-operator").addEventListener("click", () => {
    for (const id of ["#ask", "#verify", "#setup", "#password"]) field<HTMLElement>(root, id).hidden = true;
    field<HTMLElement>(root, "#operator").hidden = false;
    field<HTMLInputElement>(root, "#client-id").focus();
  });
  field(root, "#operator").addEventListener("submit", (event) => {
    event.preventDefault();
    const client = field<HTMLInputElement>(root, "#client-id").value.trim();
    void signIn(root, client, field<HTMLInputElement>(root, "#client-secret").value, done);
  });
}

async function signIn(root: HTMLElement, client: string, secret: string,
                      done: () => void): Promise<void> {
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: client,
                                     client_secret: secret });
  try {
    const token = await call<{ access_token: string; expires_in: number }>(
      "accounts", "/v1/auth/token", "operator", { method: "POST", body: form });
    if (roleOf(token.access_token) !== "operator") return notice(root, t("operator.notOperator"), "error");
    startSession(token.access_token, client, token.expires_in);
    done();
  } catch (error) {
    endSession();
    notice(root, sentence(error), "error");
  }
}

export function findView(opened: () => void): void {
  const root = render(`<h1>${esc(t("find.title"))}</h1>
    <section class="card narrow">
      <p class="notice" role="status"></p>
      <form id="find" novalidate role="search">
        <label for="query">${esc(t("find.query"))}</label>
        <input id="query" required maxlength="64" autocomplete="off">
        <button type="submit">${esc(t("find.search"))}</button>
      </form>
      <ul class="found" id="found"></ul>
    </section>`);
  field(root, "#find").addEventListener("submit", (event) => {
    event.preventDefault();
    void search(root, field<HTMLInputElement>(root, "#query").value.trim(), opened);
  });
}

async function search(root: HTMLElement, query: string, opened: () => void): Promise<void> {
  const list = field<HTMLElement>(root, "#found");
  list.innerHTML = "";
  try {
    const found = await call<Account[]>(
      "accounts", `/v1/account-search?q=${encodeURIComponent(query)}`, "find");
    notice(root, found.length ? "" : t("find.none"));
    list.innerHTML = found.map(item).join("");
    for (const button of list.querySelectorAll<HTMLButtonElement>("button[data-account]")) {
      button.addEventListener("click", () => { viewAccount(button.dataset.account ?? ""); opened(); });
    }
  } catch (error) {
    notice(root, sentence(error), "error");
  }
}

function item(account: Account): string {
  return `<li><button type="button" data-account="${esc(account.id)}">${esc(
    t("find.open", { id: account.id }))}</button>
    <span>${esc(money(account.balance, account.currency))}</span></li>`;
}
