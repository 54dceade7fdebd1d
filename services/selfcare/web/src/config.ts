// The operator's settings, read from config.json when the page starts (never built in).

export type Language = "ro" | "ru" | "en";
export type Service = "accounts" | "rating" | "invoicing" | "payments" | "notifications";

export interface Config {
  operator: string;
  logo: string;
  colors: Record<string, string>;
  defaultLanguage: Language;
  languages: Language[];
  api: Record<Service, string>;
  suspensionMaxDays: number;
  plans: string[];
  detailedBillFees: Record<string, string>;
}

const LANGUAGES: Language[] = ["ro", "ru", "en"];

export async function loadConfig(): Promise<Config> {
  const response = await fetch("config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`config.json: ${response.status}`);
  return normalise((await response.json()) as Partial<Config>);
}

function normalise(raw: Partial<Config>): Config {
  const languages = (raw.languages ?? LANGUAGES).filter((l) => LANGUAGES.includes(l));
  const fallback = languages[0] ?? "ro";
  return {
    operator: raw.operator ?? "Tarifa",
    logo: raw.logo ?? "logo.svg",
    colors: raw.colors ?? {},
    defaultLanguage: raw.defaultLanguage && languages.includes(raw.defaultLanguage)
      ? raw.defaultLanguage : fallback,
    languages: languages.length ? languages : LANGUAGES,
    api: trimmed(raw.api ?? ({} as Record<Service, string>)),
    suspensionMaxDays: Number(raw.suspensionMaxDays ?? 60),
    plans: raw.plans ?? [],
    detailedBillFees: raw.detailedBillFees ?? {},
  };
}

function trimmed(api: Record<Service, string>): Record<Service, string> {
  const entries = Object.entries(api).map(([k, v]) => [k, String(v).replace(/\/+$/, "")]);
  return Object.fromEntries(entries) as Record<Service, string>;
}

/** The brand's colours as CSS variables (--primary, --accent...). */
export function applyBrand(config: Config): void {
  for (const [name, value] of Object.entries(config.colors)) {
    if (/^[a-z-]+$/.test(name)) document.documentElement.style.setProperty(`--${name}`, value);
  }
}
