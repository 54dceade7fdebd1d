// A tariff change, now or from the next period, among the plans the operator offers.

import { call } from "../api";
import type { Config } from "../config";
import { esc, field, notice } from "../dom";
import { day, money, sentence, t } from "../i18n";
import type { Line } from "../types";

interface Plan {
  code: string;
  name: string;
  monthly_fee: string;
  currency: string;
}

export async function plansSection(config: Config, lines: Line[]): Promise<string> {
  const plans = (await Promise.all(config.plans.map(planOf))).filter((p): p is Plan => p !== null);
  if (!plans.length || !lines.length) return "";
  const numbers = lines.map((l) => `<option value="${esc(l.msisdn)}">+${esc(l.msisdn)} (${
    esc(l.plan_code)})</option>`).join("");
  const offered = plans.map((p) => `<option value="${esc(p.code)}">${esc(p.name)} · ${esc(
    t("plans.fee", { fee: money(p.monthly_fee, p.currency) }))}</option>`).join("");
  return `<section class="card" aria-labelledby="plan-title">
    <h2 id="plan-title">${esc(t("plans.title"))}</h2>
    <form id="plan" novalidate>
      <label for="plan-line">${esc(t("plans.line"))}</label><select id="plan-line">${numbers}</select>
      <label for="plan-code">${esc(t("plans.new"))}</label><select id="plan-code">${offered}</select>
      <fieldset><legend>${esc(t("plans.when"))}</legend>
        <label class="choice"><input type="radio" name="when" value="now" checked> ${esc(t("plans.now"))}</label>
        <label class="choice"><input type="radio" name="when" value="next_period"> ${esc(t("plans.next"))}</label>
      </fieldset>
      <button type="submit">${esc(t("plans.change"))}</button>
    </form></section>`;
}

async function planOf(code: string): Promise<Plan | null> {
  try {
    return await call<Plan>("rating", `/v1/plans/${encodeURIComponent(code)}`, "plans");
  } catch {
    return null;
  }
}

export function wirePlans(root: HTMLElement): void {
  const form = root.querySelector<HTMLFormElement>("#plan");
  form?.addEventListener("submit", (event) => {
    event.preventDefault();
    const msisdn = field<HTMLSelectElement>(root, "#plan-line").value;
    const body = { plan_code: field<HTMLSelectElement>(root, "#plan-code").value,
                   when: new FormData(form).get("when")?.toString() ?? "now" };
    void change(root, msisdn, body);
  });
}

async function change(root: HTMLElement, msisdn: string, body: Record<string, string>): Promise<void> {
  try {
    const done = await call<{ to_plan: string; effective_at: string }>(
      "accounts", `/v1/lines/${msisdn}/plan-change`, "plans",
      { method: "POST", body: JSON.stringify(body) });
    notice(root, t("plans.changed", { plan: done.to_plan, date: day(done.effective_at) }));
  } catch (error) {
    notice(root, sentence(error), "error");
  }
}
