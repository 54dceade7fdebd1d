// The cabinet's start: settings, brand, language, and one view per address (#/...).

import "./style.css";
import { configureApi, SessionExpired } from "./api";
import { applyBrand, type Config, type Language, loadConfig } from "./config";
import { esc, main, render } from "./dom";
import { chooseLanguage, currentLanguage, sentence, setLanguage, t } from "./i18n";
import { currentSession, endSession, expired } from "./session";
import { billView } from "./views/bill";
import { invoicesView } from "./views/invoices";
import { loginView } from "./views/login";
import { movementsView } from "./views/movements";
import { overviewView } from "./views/overview";
import { paymentView } from "./views/payment";
import { payView } from "./views/pay";
import { servicesView } from "./views/services";

const NAMES: Record<Language, string> = { ro: "Română", ru: "Русский", en: "English" };
const NAV = [["#/", "nav.overview"], ["#/invoices", "nav.invoices"], ["#/movements", "nav.movements"],
  ["#/pay", "nav.pay"], ["#/bill", "nav.bill"], ["#/services", "nav.services"]] as const;
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
  header(signedIn !== null, path);
  document.title = `${t("app.title")} · ${config.operator}`;
  if (!signedIn) return loginView(takeMessage(), () => go("#/"));
  if (path === "/login") return go("#/");
  await guarded(path, params, signedIn.accountId);
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
  if (path === "/pay") return payView(config, accountId, params);
  if (path === "/payment") return paymentView(stillHere);
  if (path === "/bill") return billView(accountId);
  if (path === "/services") return servicesView(config, accountId);
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

function header(signedIn: boolean, path: string): void {
  const top = document.getElementById("top") as HTMLElement;
  const links = NAV.map(([href, key]) => `<li><a href="${href}"${
    href.slice(1) === path ? ' aria-current="page"' : ""}>${esc(t(key))}</a></li>`).join("");
  top.innerHTML = `<div class="brand"><img src="${esc(config.logo)}" alt="" width="36" height="36">
      <span>${esc(config.operator)}</span></div>
    ${signedIn ? `<nav aria-label="${esc(t("nav.label"))}"><ul>${links}</ul></nav>` : ""}
    <div class="tools">${languages()}${signedIn
      ? `<button type="button" class="secondary" id="logout">${esc(t("nav.logout"))}</button>` : ""}</div>`;
  document.querySelector(".skip")!.textContent = t("app.skip");
  wireHeader(top);
}

function languages(): string {
  const options = config.languages.map((l) => `<option value="${l}"${
    l === currentLanguage() ? " selected" : ""}>${esc(NAMES[l])}</option>`).join("");
  return `<label class="lang"><span>${esc(t("lang.label"))}</span>
    <select id="language">${options}</select></label>`;
}

function wireHeader(top: HTMLElement): void {
  top.querySelector<HTMLSelectElement>("#language")?.addEventListener("change", (event) => {
    setLanguage((event.target as HTMLSelectElement).value as Language);
    void show();
  });
  top.querySelector("#logout")?.addEventListener("click", () => {
    endSession();
    loginMessage = t("login.loggedOut");
    go("#/login");
  });
}

void boot();
