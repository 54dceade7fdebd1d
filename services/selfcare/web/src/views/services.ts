// Suspension up to the policy maximum (stated before confirming), resuming, the notices received.

import { call } from "../api";
import type { Config } from "../config";
import { esc, field, notice, render } from "../dom";
import { eventName } from "../events";
import { currentLanguage, day, sentence, t } from "../i18n";
import type { Account, Delivery, Line } from "../types";
import { detailedSection, wireDetailed } from "./detailed";
import { plansSection, wirePlans } from "./plans";

export async function servicesView(config: Config, accountId: string): Promise<void> {
  const account = await call<Account>("accounts", `/v1/accounts/${accountId}`, "services");
  const notices = await call<Delivery[]>(
    "notifications", `/v1/notifications?account_id=${accountId}&limit=20`, "services");
  const lines = await call<Line[]>("accounts", `/v1/accounts/${accountId}/lines`, "services");
  const plans = await plansSection(config, lines);
  const root = render(`<h1>${esc(t("services.title"))}</h1>
    <p class="notice" role="status"></p>
    <div class="grid">
      <section class="card" aria-labelledby="suspend-title">${suspension(account, config)}</section>
      ${plans}${detailedSection(config, account.currency)}
      <section class="card" aria-labelledby="notices-title">
        <h2 id="notices-title">${esc(t("services.notices"))}</h2>${list(notices)}
      </section>
    </div>`);
  wire(root, config, account);
  wirePlans(root);
  wireDetailed(root, accountId);
}

function suspension(account: Account, config: Config): string {
  const title = `<h2 id="suspend-title">${esc(t("services.suspension"))}</h2>`;
  if (account.suspension) {
    return `${title}<p data-testid="suspended">${esc(t("overview.suspension", {
      from: day(account.suspension.from), until: day(account.suspension.until) }))}</p>
      <button type="button" id="resume">${esc(t("services.resume"))}</button>`;
  }
  const max = config.suspensionMaxDays;
  return `${title}<form id="suspend" novalidate>
      <label for="days">${esc(t("services.days"))}</label>
      <p class="hint" id="days-hint">${esc(t("services.max", { days: max }))}</p>
      <input id="days" type="number" inputmode="numeric" min="1" max="${max}" value="7"
             aria-describedby="days-hint">
      <button type="submit">${esc(t("services.suspend"))}</button>
    </form>`;
}

function list(notices: Delivery[]): string {
  const sent = notices.filter((n) => n.status !== "not_applicable");
  if (!sent.length) return `<p>${esc(t("services.noNotices"))}</p>`;
  const rows = sent.map((n) => `<li>${esc(day(n.created_at))} · ${
    esc(eventName(currentLanguage(), n.event))} (${esc(n.channel)})</li>`);
  return `<ul class="notices">${rows.join("")}</ul>`;
}

function wire(root: HTMLElement, config: Config, account: Account): void {
  root.querySelector("#suspend")?.addEventListener("submit", (event) => {
    event.preventDefault();
    const days = Number(field<HTMLInputElement>(root, "#days").value);
    void change(root, config, account.id, { method: "POST", body: JSON.stringify({ days }) });
  });
  root.querySelector("#resume")?.addEventListener("click", () =>
    void change(root, config, account.id, { method: "DELETE" }));
}

async function change(root: HTMLElement, config: Config, accountId: string,
                      init: RequestInit): Promise<void> {
  try {
    await call<unknown>("accounts", `/v1/accounts/${accountId}/suspension`, "suspension", init);
    await servicesView(config, accountId);
    notice(root, t(init.method === "POST" ? "services.suspended" : "services.resumed"));
  } catch (error) {
    notice(root, sentence(error), "error");
  }
}
