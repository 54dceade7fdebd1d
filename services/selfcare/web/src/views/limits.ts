// The payments API's limits of each kind of card payment in the account's currency.

import { ApiProblem, call } from "../api";
import { t } from "../i18n";

interface Bounds {
  min: string;
  max: string | null;
}

export interface PaymentLimits {
  currency: string;
  invoice: Bounds;
  advance: Bounds;
  topup: Bounds;
  another: Bounds;
}

type Kind = "invoice" | "advance" | "topup";

/** The limits, or null where payments sets none for the currency (404). */
export async function limitsFor(currency: string): Promise<PaymentLimits | null> {
  try {
    return await call<PaymentLimits>(
      "payments", `/v1/payment-limits?currency=${encodeURIComponent(currency)}`, "limits");
  } catch (error) {
    if (error instanceof ApiProblem && error.problem.status === 404) return null;
    throw error;
  }
}

function kindOf(purpose: string): Kind {
  return purpose === "invoice" || purpose === "topup" ? purpose : "advance";
}

/** What the form says under the amount for the purpose chosen. */
export function limitsHint(limits: PaymentLimits | null, purpose: string): string {
  if (!limits) return "";
  const own = limits[kindOf(purpose)];
  const currency = limits.currency;
  const text = own.max ? t("pay.limits", { min: own.min, max: own.max, currency })
    : t("pay.limitsFrom", { min: own.min, currency });
  // a top-up of someone else's number is held to the bound of paying for another too
  const other = limits.another.max;
  const lower = other !== null && (own.max === null || Number(other) < Number(own.max));
  return purpose === "topup" && lower
    ? `${text} ${t("pay.limitsAnother", { max: other, currency })}` : text;
}

/** The sentence refusing ``amount`` before it is sent, or "" when it is within the limits. */
export function outside(limits: PaymentLimits | null, purpose: string, amount: string): string {
  const value = Number(amount);
  if (!limits || !amount || Number.isNaN(value)) return "";
  const own = limits[kindOf(purpose)];
  const above = own.max !== null && value > Number(own.max);
  return value < Number(own.min) || above ? limitsHint(limits, purpose) : "";
}
