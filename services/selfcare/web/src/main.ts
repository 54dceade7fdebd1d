// The cabinet's start: settings, brand, language, and one view per address (#/...). An
// operator first finds an account (#/find), then sees the pages its subscriber sees.

import "./style.css";
import { applyBrand, type Config, type Language, loadConfig } from "./config";
import { esc, main, render } from "./dom";
import { call, configureApi, SessionExpired } from "./api";
import { chooseLanguage, currentLanguage, sentence, setLanguage, t, useAccountLanguage } from "./i18n";
import { currentSession, endSession, expired, type Session } from "./session";
import { billView } from "./views/bill";
import { invoicesView } from "./views/invoices";
import { loginView } from "./views/login";
import { movementsView } from "./views/movements";
import { findView } from "./views/operator";
import { overviewView } from "./views/overview";
import { paymentView } from "./views/payment";
import { payView } from "./views/pay";
import { secretView } from "./views/secret";
import { servicesView } from "./views/services";

const NAMES: Record<Language, string> = { ro: "Română", ru: "Русский", en: "English" };
const NAV = [["#/", "nav.overview"], ["#/invoices", "nav.invoices"], ["#/movements", "nav.movements"],
  ["#/pay", "nav.pay"], ["#/bill", "nav.bill"], ["#/services", "nav.services"],
  ["#/password", "nav.password"]] as const;
let config: Config;
let loginMessage = "";
let visit = 0;

async function boot(): Promise<void> {
  config = await loadConfig();
  applyBrand(config);
  chooseLanguage(config.defaultLanguage, config.languages);
  configureApi(config, () => { loginMessage = t("login.expired"); go("#/login"); });
  window.addEventListener("hashchange", () => void show());
  await show();
}

function place(): [string, URLSearchParams] {
  const [path, query] = (location.hash.slice(1) || "/").split("?");
  return [path || "/", new URLSearchParams(query ?? "")];
}

async function show(): Promise<void> {
  const [path, params] = place();
  const session = currentSession();
  if (session && expired(session)) {
    endSession();
    loginMessage = t("login.expired");
  }
  const signedIn = currentSession();
  header(signedIn, path);
  document.title = `${t("app.title")} · ${config.operator}`;
  if (!signedIn) return loginView(takeMessage(), () => void arrived());
  if (path === "/login") return go("#/");
  if (signedIn.role === "operator" && (path === "/find" || !signedIn.accountId)) {
    return findView(() => go("#/"));
  }
  await guarded(path, params, signedIn.accountId);
}

/** Just logged in: a subscriber sees its account's language; an operator the search. */
async function arrived(): Promise<void> {
  const session = currentSession();
  if (session?.role === "subscriber") {
    try {
      const profile = await call<{ language: string }>(
        "accounts", `/v1/accounts/${session.accountId}/profile`, "overview");
      useAccountLanguage(session.accountId, profile.language, config.languages);
    } catch {
      // the language offered before logging in stays; the overview tells what went wrong
    }
  }
  go(session?.role === "operator" ? "#/find" : "#/");
}

async function guarded(path: string, params: URLSearchParams, accountId: string): Promise<void> {
  const mine = ++visit;
  render(`<p role="status">${esc(t("common.loading"))}</p>`);
  try {
    await route(path, params, accountId, () => mine === visit);
  } catch (error) {
    if (error instanceof SessionExpired) return;
    render(`<p class="notice error" role="alert">${esc(sentence(error))}</p>`);
  }
  main().focus({ preventScroll: true });
}

async function route(path: string, params: URLSearchParams, accountId: string,
                     stillHere: () => boolean): Promise<void> {
  if (path === "/invoices") return invoicesView(accountId);
  if (path === "/movements") return movementsView(accountId);
  if (path === "/pay") return payView(accountId, params);
  if (path === "/payment") return paymentView(stillHere);
  if (path === "/bill") return billView(accountId);
  if (path === "/services") return servicesView(config, accountId);
  if (path === "/password") return secretView(accountId);
  return overviewView(accountId);
}

/** Show another address: a new hash is shown by its hashchange, the same one at once. */
function go(hash: string): void {
  if (location.hash === hash) void show();
  else location.hash = hash;
}

function takeMessage(): string {
  const message = loginMessage;
  loginMessage = "";
  return message;
}

function header(session: Session | null, path: string): void {
  const top = document.getElementById("top") as HTMLElement;
  top.innerHTML = `<div class="brand"><img src="${esc(config.logo)}" alt="" width="36" height="36">
      <span>${esc(config.operator)}</span></div>
    ${session ? `<nav aria-label="${esc(t("nav.label"))}"><ul>${links(session, path)}</ul></nav>` : ""}
    ${session?.role === "operator" && session.accountId ? `<p class="viewing" data-testid="viewing">${
      esc(t("find.viewing", { id: session.accountId }))}</p>` : ""}
    <div class="tools">${languages()}${session
      ? `<button type="button" class="secondary" id="logout">${esc(t("nav.logout"))}</button>` : ""}</div>`;
  document.querySelector(".skip")!.textContent = t("app.skip");
  wireHeader(top);
}

function links(session: Session, path: string): string {
  const operator = session.role === "operator";
  const shown = NAV.filter(([href]) => !operator || href !== "#/password");
  const all: (readonly [string, Parameters<typeof t>[0]])[] = operator
    ? [["#/find", "nav.find"], ...(session.accountId ? shown : [])] : shown;
  return all.map(([href, key]) => `<li><a href="${href}"${
    href.slice(1) === path ? ' aria-current="page"' : ""}>${esc(t(key))}</a></li>`).join("");
}

function languages(): string {
  const options = config.languages.map((l) => `<option value="${l}"${
    l === currentLanguage() ? " selected" : ""}>${esc(NAMES[l])}</option>`).join("");
  return `<label class="lang"><span>${esc(t("lang.label"))}</span>
    <select id="language">${options}</select></label>`;
}

function wireHeader(top: HTMLElement): void {
  top.querySelector<HTMLSelectElement>("#language")?.addEventListener("change", (event) => {
    const session = currentSession();
    setLanguage((event.target as HTMLSelectElement).value as Language,
                session?.role === "subscriber" ? session.accountId : "");
    void show();
  });
  top.querySelector("#logout")?.addEventListener("click", () => {
    endSession();
    loginMessage = t("login.loggedOut");
    go("#/login");
  });
}

void boot();
