// The subscriber's bearer token, kept for the browser tab only (sessionStorage).

const KEY = "tarifa.session";

export interface Session {
  token: string;
  accountId: string;
  msisdn: string;
  expiresAt: number;
}

/** The expiry counts from the browser's clock (expires_in), not from the server's exp claim. */
export function startSession(token: string, msisdn: string, expiresIn: number): Session {
  const claims = decode(token);
  const session = {
    token, msisdn, accountId: String(claims.account_id ?? ""),
    expiresAt: Date.now() + expiresIn * 1000,
  };
  sessionStorage.setItem(KEY, JSON.stringify(session));
  return session;
}

export function currentSession(): Session | null {
  const raw = sessionStorage.getItem(KEY);
  return raw ? (JSON.parse(raw) as Session) : null;
}

export function expired(session: Session): boolean {
  return Date.now() >= session.expiresAt;
}

export function endSession(): void {
  sessionStorage.removeItem(KEY);
}

function decode(token: string): Record<string, unknown> {
  const payload = token.split(".")[1] ?? "";
  const base64 = payload.replace(/-/g, "+").replace(/_/g, "/");
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}
