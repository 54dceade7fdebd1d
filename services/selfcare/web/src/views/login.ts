// Log in with the phone number and a code sent by SMS (A10).

import { call } from "../api";
import { esc, field, notice, render } from "../dom";
import { sentence, t } from "../i18n";
import { startSession } from "../session";
import { operatorForm, wireOperator } from "./operator";
import { passwordForms, wirePasswords } from "./password";

interface Sent {
  expires_in: number;
}

export function loginView(message: string, done: () => void): void {
  const root = render(`
    <section class="card narrow" aria-labelledby="login-title">
      <h1 id="login-title">${esc(t("login.title"))}</h1>
      <p class="notice" role="status">${esc(message)}</p>
      <form id="ask" novalidate>
        <label for="msisdn">${esc(t("login.phone"))}</label>
        <input id="msisdn" name="msisdn" inputmode="tel" autocomplete="tel" required
               aria-describedby="msisdn-hint" maxlength="16">
        <p id="msisdn-hint" class="hint">${esc(t("login.phoneHint"))}</p>
        <button type="submit">${esc(t("login.send"))}</button>
      </form>
      <form id="verify" hidden novalidate>
        <label for="code">${esc(t("login.code"))}</label>
        <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required
               maxlength="12">
        <button type="submit">${esc(t("login.verify"))}</button>
        <button type="button" class="link" id="other">${esc(t("login.other"))}</button>
      </form>
      ${passwordForms()}
      ${operatorForm()}
      <button type="button" class="link" id="switch" aria-controls="ask password">${esc(
        t("password.switch"))}</button>
      <button type="button" class="link" id="to-operator" aria-controls="operator">${esc(
        t("operator.switch"))}</button>
    </section>`);
  wire(root, done);
  wirePasswords(root, done);
  wireOperator(root, done);
  wireSwitch(root);
}

function wire(root: HTMLElement, done: () => void): void {
  const ask = field<HTMLFormElement>(root, "#ask");
  const verify = field<HTMLFormElement>(root, "#verify");
  const number = () => field<HTMLInputElement>(root, "#msisdn").value.trim().replace(/^\+/, "");
  ask.addEventListener("submit", (event) => {
    event.preventDefault();
    void askCode(root, number(), () => { ask.hidden = true; verify.hidden = false; });
  });
  verify.addEventListener("submit", (event) => {
    event.preventDefault();
    void checkCode(root, number(), field<HTMLInputElement>(root, "#code").value.trim(), done);
  });
  field(root, "#other").addEventListener("click", () => { verify.hidden = true; ask.hidden = false; });
}

function wireSwitch(root: HTMLElement): void {
  const button = field<HTMLButtonElement>(root, "#switch");
  button.addEventListener("click", () => {
    const toPassword = button.dataset.mode !== "password";
    button.dataset.mode = toPassword ? "password" : "sms";
    for (const id of ["#ask", "#verify", "#setup", "#operator"]) {
      field<HTMLElement>(root, id).hidden = true;
    }
    field<HTMLElement>(root, "#password").hidden = !toPassword;
    field<HTMLElement>(root, "#ask").hidden = toPassword;
    button.textContent = t(toPassword ? "password.back" : "password.switch");
  });
}

async function askCode(root: HTMLElement, msisdn: string, sent: () => void): Promise<void> {
  try {
    const answer = await call<Sent>("accounts", "/v1/auth/otp", "login",
                                    { method: "POST", body: JSON.stringify({ msisdn }) });
    notice(root, t("login.sent", { msisdn, minutes: Math.round(answer.expires_in / 60) }));
    sent();
    field<HTMLInputElement>(root, "#code").focus();
  } catch (error) {
    notice(root, sentence(error), "error");
  }
}

async function checkCode(root: HTMLElement, msisdn: string, code: string,
                         done: () => void): Promise<void> {
  try {
    const token = await call<{ access_token: string; expires_in: number }>(
      "accounts", "/v1/auth/otp/verify", "login",
      { method: "POST", body: JSON.stringify({ msisdn, code }) });
    startSession(token.access_token, msisdn, token.expires_in);
    done();
  } catch (error) {
    notice(root, sentence(error), "error");
  }
}
