// Logging in with a login and password, and setting the password with the setup code the
// operator handed over with the contract.

import { call } from "../api";
import { esc, field, notice } from "../dom";
import { sentence, t } from "../i18n";
import { startSession } from "../session";

interface Token {
  access_token: string;
  expires_in: number;
}

export function passwordForms(): string {
  return `
    <form id="password" hidden novalidate>
      <label for="login">${esc(t("password.login"))}</label>
      <input id="login" autocomplete="username" required maxlength="64">
      <label for="secret">${esc(t("password.password"))}</label>
      <input id="secret" type="password" autocomplete="current-password" required maxlength="256">
      <button type="submit">${esc(t("login.verify"))}</button>
      <button type="button" class="link" id="to-setup">${esc(t("password.first"))}</button>
    </form>
    <form id="setup" hidden novalidate>
      <label for="setup-login">${esc(t("password.login"))}</label>
      <input id="setup-login" autocomplete="username" required maxlength="64">
      <label for="setup-code">${esc(t("password.setupCode"))}</label>
      <input id="setup-code" autocomplete="one-time-code" required maxlength="32">
      <label for="new-secret">${esc(t("password.new"))}</label>
      <input id="new-secret" type="password" autocomplete="new-password" required maxlength="256"
             aria-describedby="new-secret-hint">
      <p class="hint" id="new-secret-hint">${esc(t("password.hint"))}</p>
      <button type="submit">${esc(t("password.set"))}</button>
    </form>`;
}

export function wirePasswords(root: HTMLElement, done: () => void): void {
  const value = (id: string) => field<HTMLInputElement>(root, id).value;
  field(root, "#to-setup").addEventListener("click", () => {
    field<HTMLElement>(root, "#password").hidden = true;
    field<HTMLElement>(root, "#setup").hidden = false;
  });
  field(root, "#password").addEventListener("submit", (event) => {
    event.preventDefault();
    void signIn(root, "/v1/auth/login", value("#login").trim(),
                { login: value("#login").trim(), password: value("#secret") }, done);
  });
  field(root, "#setup").addEventListener("submit", (event) => {
    event.preventDefault();
    void signIn(root, "/v1/auth/password", value("#setup-login").trim(), {
      login: value("#setup-login").trim(), setup_code: value("#setup-code").trim(),
      password: value("#new-secret") }, done);
  });
}

async function signIn(root: HTMLElement, path: string, login: string,
                      body: Record<string, string>, done: () => void): Promise<void> {
  try {
    const token = await call<Token>("accounts", path, "password",
                                    { method: "POST", body: JSON.stringify(body) });
    startSession(token.access_token, login, token.expires_in);
    done();
  } catch (error) {
    notice(root, sentence(error), "error");
  }
}
