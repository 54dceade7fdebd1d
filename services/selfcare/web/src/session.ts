// The bearer token, kept for the browser tab only (sessionStorage): a subscriber's, or an
// operator's (client credentials) with the account it is looking at.

const KEY = "tarifa.session";

export type Role = "subscriber" | "operator";

export interface Session {
  token: string;
  role: Role;
  accountId: string;
  msisdn: string;
  expiresAt: number;
}

/** The expiry counts from the browser's clock (expires_in), not from the server's exp claim. */
export function startSession(token: string, msisdn: string, expiresIn: number): Session {
  const claims = decode(token);
  const session: Session = {
    token, msisdn, accountId: String(claims.account_id ?? ""),
    role: claims.role === "operator" ? "operator" : "subscriber",
    expiresAt: Date.now() + expiresIn * 1000,
  };
  keep(session);
  return session;
}

/** The role the token itself names, before a session is kept for it. */
export function roleOf(token: string): string {
  return String(decode(token).role ?? "");
}

export function currentSession(): Session | null {
  const raw = sessionStorage.getItem(KEY);
  return raw ? ({ role: "subscriber", ...(JSON.parse(raw) as Partial<Session>) } as Session) : null;
}

/** An operator looks at one account at a time, as its subscriber sees it. */
export function viewAccount(accountId: string): void {
  const session = currentSession();
  if (session?.role === "operator") keep({ ...session, accountId });
}

export function expired(session: Session): boolean {
  return Date.now() >= session.expiresAt;
}

export function endSession(): void {
  sessionStorage.removeItem(KEY);
}

function keep(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

function decode(token: string): Record<string, unknown> {
  const payload = token.split(".")[1] ?? "";
  const base64 = payload.replace(/-/g, "+").replace(/_/g, "/");
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}
