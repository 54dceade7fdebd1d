// The detailed bill of an interval: its fee is stated, and confirmed, before it is asked for.

import { call } from "../api";
import type { Config } from "../config";
import { esc, field, notice } from "../dom";
import { money, sentence, t } from "../i18n";

export function detailedSection(config: Config, currency: string): string {
  const fee = config.detailedBillFees[currency];
  if (!fee) return "";
  const today = new Date().toISOString().slice(0, 10);
  return `<section class="card" aria-labelledby="detailed-title">
    <h2 id="detailed-title">${esc(t("detailed.title"))}</h2>
    <form id="detailed" novalidate>
      <label for="detailed-from">${esc(t("detailed.from"))}</label>
      <input id="detailed-from" type="date" max="${today}" required>
      <label for="detailed-to">${esc(t("detailed.to"))}</label>
      <input id="detailed-to" type="date" max="${today}" required>
      <fieldset><legend>${esc(t("detailed.direction"))}</legend>
        <label class="choice"><input type="radio" name="direction" value="out" checked> ${esc(t("detailed.out"))}</label>
        <label class="choice"><input type="radio" name="direction" value="in"> ${esc(t("detailed.in"))}</label>
      </fieldset>
      <p class="hint" data-testid="detailed-fee">${esc(t("detailed.fee", { fee: money(fee, currency) }))}</p>
      <button type="submit">${esc(t("detailed.ask"))}</button>
      <div id="detailed-confirm" hidden>
        <p role="alert">${esc(t("detailed.confirmText", { fee: money(fee, currency) }))}</p>
        <button type="button" id="detailed-yes">${esc(t("detailed.confirm"))}</button>
        <button type="button" class="secondary" id="detailed-no">${esc(t("detailed.cancel"))}</button>
      </div>
    </form></section>`;
}

export function wireDetailed(root: HTMLElement, accountId: string): void {
  const form = root.querySelector<HTMLFormElement>("#detailed");
  if (!form) return;
  const confirm = field<HTMLElement>(root, "#detailed-confirm");
  form.addEventListener("submit", (event) => { event.preventDefault(); confirm.hidden = false; });
  field(root, "#detailed-no").addEventListener("click", () => { confirm.hidden = true; });
  field(root, "#detailed-yes").addEventListener("click", () => {
    confirm.hidden = true;
    void ask(root, accountId, {
      from: field<HTMLInputElement>(root, "#detailed-from").value,
      to: field<HTMLInputElement>(root, "#detailed-to").value,
      direction: new FormData(form).get("direction")?.toString() ?? "out" });
  });
}

async function ask(root: HTMLElement, accountId: string, body: Record<string, string>): Promise<void> {
  try {
    await call<{ id: string }>("invoicing", `/v1/accounts/${accountId}/detailed-bills`, "detailed",
                               { method: "POST", body: JSON.stringify(body) });
    notice(root, t("detailed.asked"));
  } catch (error) {
    notice(root, sentence(error), "error");
  }
}
