// The chosen language: the account's own once a subscriber logs in, unless the subscriber picked
// another for that account in this browser (kept in localStorage); before logging in, the last
// pick, else the operator's default.

import { ApiProblem } from "./api";
import type { Language } from "./config";
import { en, type Key, type Messages } from "./messages";
import { ro } from "./ro";
import { ru } from "./ru";

const KEY = "tarifa.language";
const CATALOGUES: Record<Language, Messages> = { ro, ru, en };
const LOCALES: Record<Language, string> = { ro: "ro-MD", ru: "ru-RU", en: "en-GB" };
let language: Language = "ro";

export function chooseLanguage(fallback: Language, offered: Language[]): Language {
  const kept = localStorage.getItem(KEY) as Language | null;
  use(kept && offered.includes(kept) ? kept : fallback);
  return language;
}

/** The subscriber's pick; kept for its account too when it is logged in. */
export function setLanguage(next: Language, accountId = ""): void {
  localStorage.setItem(KEY, next);
  if (accountId) localStorage.setItem(`${KEY}.${accountId}`, next);
  use(next);
}

/** After login: the pick made for this account before, else the account's own language. */
export function useAccountLanguage(accountId: string, own: string, offered: Language[]): void {
  const kept = localStorage.getItem(`${KEY}.${accountId}`) ?? own;
  if ((offered as string[]).includes(kept)) use(kept as Language);
}

function use(next: Language): void {
  language = next;
  document.documentElement.lang = next;
}

export function currentLanguage(): Language {
  return language;
}

export function t(key: Key, values: Record<string, string | number> = {}): string {
  const text = CATALOGUES[language][key] ?? en[key];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? `{${name}}`));
}

export function has(key: string): key is Key {
  return key in en;
}

/** A refusal of the APIs as a sentence: the context's own, else the status's. */
export function sentence(error: unknown): string {
  if (!(error instanceof ApiProblem)) return t("problem.other");
  const status = error.problem.status;
  if (status === 0) return t("problem.network");
  const own = `problem.${error.context}.${status}`;
  if (has(own)) return t(own);
  if (status >= 500) return t("problem.5xx");
  const general = `problem.${status}`;
  return has(general) ? t(general) : t("problem.other");
}

export function money(amount: string, currency: string): string {
  const format = new Intl.NumberFormat(LOCALES[language], { style: "currency", currency });
  return format.format(Number(amount));
}

export function day(iso: string): string {
  const format = new Intl.DateTimeFormat(LOCALES[language], { dateStyle: "medium" });
  return format.format(new Date(iso.length === 10 ? `${iso}T12:00:00` : iso));
}

export function monthName(isoMonth: string): string {
  const format = new Intl.DateTimeFormat(LOCALES[language], { month: "short", year: "numeric" });
  return format.format(new Date(`${isoMonth.slice(0, 7)}-15T12:00:00`));
}
