// The shapes of the API answers the cabinet reads (see docs/openapi/*.json).

export interface Account {
  id: string;
  status: string;
  balance: string;
  currency: string;
  payment_mode: string;
  bonus_points: number;
  bill_delivery: { medium: string; email: string | null; address: string | null };
  promised_payment: { until: string } | null;
  suspension: { from: string; until: string } | null;
}

export interface Line {
  msisdn: string;
  plan_code: string;
  status: string;
}

export interface Allowance {
  type: string;
  unit: string;
  quantity: string;
  remaining: string;
}

export interface LineAllowances {
  msisdn: string;
  plan_code: string;
  allowances: Allowance[];
}

export interface Invoice {
  id: string;
  number: string;
  period_start: string;
  period_end: string;
  issued_at: string;
  due_date: string | null;
  currency: string;
  opening_balance: string;
  total_charges: string;
  vat_total: string;
  total_paid: string;
  closing_balance: string;
  amount_due: string;
  status: string;
}

export interface Payment {
  id: string;
  status: string;
  amount: string;
  currency: string;
  redirect_url: string | null;
  failure_reason: string | null;
}

export interface Month {
  month: string;
  total_charges: string;
  payments: string;
}

export interface Movement {
  id: string;
  date: string;
  description: string;
  amount: string;
  currency: string;
}

export interface Bonus {
  points: number;
  movements: { at: string; points: number; reason: string }[];
}

export interface Delivery {
  event: string;
  channel: string;
  status: string;
  created_at: string;
}
