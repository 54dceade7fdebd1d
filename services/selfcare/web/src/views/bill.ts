// E-bill or paper, and the bonus points (an e-bill switch earns them once).

import { call } from "../api";
import { esc, field, notice, render } from "../dom";
import { day, sentence, t } from "../i18n";
import type { Account, Bonus } from "../types";

export async function billView(accountId: string): Promise<void> {
  const account = await call<Account>("accounts", `/v1/accounts/${accountId}`, "bill");
  const bonus = await call<Bonus>("accounts", `/v1/accounts/${accountId}/bonus`, "bill");
  const root = render(`<h1>${esc(t("bill.title"))}</h1>
    <p class="notice" role="status"></p>
    <div class="grid">
      <section class="card">${deliveryForm(account)}</section>
      <section class="card" aria-labelledby="bonus-title">
        <h2 id="bonus-title">${esc(t("bill.bonus"))}</h2>
        <p class="big" data-testid="points">${esc(t("bill.points", { points: bonus.points }))}</p>
        ${history(bonus)}
      </section>
    </div>`);
  wire(root, account);
}

function deliveryForm(account: Account): string {
  const delivery = account.bill_delivery;
  const option = (medium: string, key: "bill.ebill" | "bill.paper") =>
    `<label class="choice"><input type="radio" name="medium" value="${medium}"${
      delivery.medium === medium ? " checked" : ""}> ${esc(t(key))}</label>`;
  return `<form id="delivery" novalidate>
      <fieldset><legend>${esc(t("bill.delivery"))}</legend>
        ${option("ebill", "bill.ebill")}${option("paper", "bill.paper")}
      </fieldset>
      <label for="email">${esc(t("bill.email"))}</label>
      <input id="email" type="email" autocomplete="email" value="${esc(delivery.email ?? "")}">
      <label for="address">${esc(t("bill.address"))}</label>
      <input id="address" autocomplete="street-address" value="${esc(delivery.address ?? "")}">
      <button type="submit">${esc(t("bill.save"))}</button>
    </form>`;
}

function history(bonus: Bonus): string {
  if (!bonus.movements.length) return "";
  const items = bonus.movements.map((m) =>
    `<li>${esc(day(m.at))}: ${m.points > 0 ? "+" : ""}${esc(m.points)} (${esc(m.reason)})</li>`);
  return `<h3>${esc(t("bill.history"))}</h3><ul>${items.join("")}</ul>`;
}

function wire(root: HTMLElement, account: Account): void {
  const form = field<HTMLFormElement>(root, "#delivery");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void save(root, account.id, form);
  });
}

async function save(root: HTMLElement, accountId: string, form: HTMLFormElement): Promise<void> {
  const medium = new FormData(form).get("medium")?.toString() ?? "ebill";
  const value = (id: string) => field<HTMLInputElement>(root, id).value.trim() || null;
  const body = medium === "ebill" ? { medium, email: value("#email") }
    : { medium, address: value("#address") };
  try {
    await call<Account>("accounts", `/v1/accounts/${accountId}/bill-delivery`, "bill",
                        { method: "PUT", body: JSON.stringify(body) });
    await billView(accountId);
    notice(root, t("bill.saved", { medium: t(medium === "ebill" ? "bill.ebill" : "bill.paper") }));
  } catch (error) {
    notice(root, sentence(error), "error");
  }
}
