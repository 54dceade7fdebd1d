// Changing the password of a login, proven by the current one (the subscriber's own only).

import { ApiProblem, call } from "../api";
import { esc, field, notice, render } from "../dom";
import { sentence, t } from "../i18n";

export async function secretView(accountId: string): Promise<void> {
  if (!(await hasLogin(accountId))) {
    render(`<h1>${esc(t("secret.title"))}</h1>
      <section class="card narrow"><p data-testid="no-login">${esc(t("secret.noLogin"))}</p></section>`);
    return;
  }
  const root = render(`<h1>${esc(t("secret.title"))}</h1>
    <section class="card narrow">
      <p class="notice" role="status"></p>
      <form id="change" novalidate>
        ${input("current", "secret.current", "current-password")}
        ${input("new", "secret.new", "new-password", "password-hint")}
        <p class="hint" id="password-hint">${esc(t("password.hint"))}</p>
        ${input("repeat", "secret.repeat", "new-password")}
        <button type="submit">${esc(t("secret.change"))}</button>
      </form>
    </section>`);
  field(root, "#change").addEventListener("submit", (event) => {
    event.preventDefault();
    void change(root, accountId);
  });
}

async function hasLogin(accountId: string): Promise<boolean> {
  try {
    await call("accounts", `/v1/accounts/${accountId}/login`, "secret");
    return true;
  } catch (error) {
    if (error instanceof ApiProblem && error.problem.status === 404) return false;
    throw error;
  }
}

function input(id: string, label: "secret.current" | "secret.new" | "secret.repeat",
               autocomplete: string, hint = ""): string {
  return `<label for="${id}">${esc(t(label))}</label>
    <input id="${id}" type="password" autocomplete="${autocomplete}" required maxlength="256"${
      hint ? ` aria-describedby="${hint}"` : ""}>`;
}

async function change(root: HTMLElement, accountId: string): Promise<void> {
  const value = (id: string) => field<HTMLInputElement>(root, id).value;
  if (value("#new") !== value("#repeat")) return notice(root, t("secret.mismatch"), "error");
  try {
    await call("accounts", `/v1/accounts/${accountId}/password`, "secret", { method: "PUT",
      body: JSON.stringify({ current_password: value("#current"), new_password: value("#new") }) });
    field<HTMLFormElement>(root, "#change").reset();
    notice(root, t("secret.changed"));
  } catch (error) {
    notice(root, refusal(error), "error");
  }
}

function refusal(error: unknown): string {
  const wrong = error instanceof ApiProblem
    && (error.problem.errors ?? []).some((e) => e.field === "current_password");
  return wrong ? t("secret.wrongCurrent") : sentence(error);
}
