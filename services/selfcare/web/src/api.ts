// Calls to the five services' /v1 APIs from the browser, with the subscriber's bearer token.
// A refusal arrives as problem+json and is raised as ApiProblem; 401 ends the session.

import type { Config, Service } from "./config";
import { currentSession, endSession } from "./session";

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
}

export class ApiProblem extends Error {
  constructor(readonly problem: Problem, readonly context: string) {
    super(problem.detail);
  }
}

export class SessionExpired extends Error {}

let config: Config;
let onExpired: () => void = () => undefined;

export function configureApi(settings: Config, expired: () => void): void {
  config = settings;
  onExpired = expired;
}

export async function call<T>(service: Service, path: string, context: string,
                              init: RequestInit = {}): Promise<T> {
  const response = await send(service, path, init, context);
  await refuse(response, context);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

export async function download(service: Service, path: string, context: string): Promise<Blob> {
  const response = await send(service, path, {}, context);
  await refuse(response, context);
  return await response.blob();
}

async function send(service: Service, path: string, init: RequestInit,
                    context: string): Promise<Response> {
  const headers = new Headers(init.headers);
  const session = currentSession();
  if (session) headers.set("Authorization", `Bearer ${session.token}`);
  // A form (the token endpoint's) gets its own content type from fetch.
  if (init.body && !(init.body instanceof URLSearchParams)) {
    headers.set("Content-Type", "application/json");
  }
  try {
    return await fetch(`${config.api[service]}${path}`, { ...init, headers });
  } catch {
    throw new ApiProblem({ type: "network", title: "", status: 0, detail: "" }, context);
  }
}

async function refuse(response: Response, context: string): Promise<void> {
  if (response.ok) return;
  if (response.status === 401 && currentSession() && context !== "login") {
    endSession();
    onExpired();
    throw new SessionExpired();
  }
  throw new ApiProblem(await problemOf(response), context);
}

async function problemOf(response: Response): Promise<Problem> {
  const fallback = { type: "about:blank", title: response.statusText, status: response.status,
                     detail: "" };
  try {
    return { ...fallback, ...((await response.json()) as Partial<Problem>) };
  } catch {
    return fallback;
  }
}
