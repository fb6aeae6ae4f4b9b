// The console's one authentication module: how a session is kept, how
// requests carry it and how it ends. The console signs in for a cookie
// session (POST /api/v1/auth/login with "session": true): the API sets an
// HttpOnly cookie that scripts cannot read, and answers the session's CSRF
// token, which every unsafe request sends in X-CSRF-Token. A reload asks
// GET /api/v1/auth/session for the session again; sign-out ends it on the
// server (DELETE /api/v1/auth/session).
import type { Middleware } from "openapi-fetch";
import type { User } from "../api/types";

/** Session is a signed-in user and what their requests must carry. */
export interface Session {
  /** Sent in X-CSRF-Token with every POST, PUT, PATCH and DELETE. */
  csrfToken: string;
  /** Milliseconds since the epoch when the session ends at the latest. */
  expiresAt: number;
  /** How the user signed in: local, ldap or oidc. */
  method: string;
  user: User;
}

/** SessionAnswer is the API's description of a session (schema Session). */
export interface SessionAnswer {
  csrf_token: string;
  expires_at: string;
  method: string;
  user: User;
}

/** Why the last session ended, for the sign-in page to say. */
export type EndReason = "signed_out" | "expired";

let current: Session | null = null;
let lastEnd: EndReason | null = null;
let expiryTimer: ReturnType<typeof setTimeout> | undefined;
const listeners = new Set<() => void>();

function notify() {
  for (const l of listeners) l();
}

function schedule(s: Session) {
  clearTimeout(expiryTimer);
  // setTimeout overflows past 2^31-1 ms (about 24 days).
  const ms = Math.min(s.expiresAt - Date.now(), 2 ** 31 - 1);
  expiryTimer = setTimeout(() => endSession("expired"), Math.max(ms, 0));
}

/**
 * restoreSession picks up the browser's session after a reload: the
 * cookie survives it, the CSRF token is asked for again. Without a
 * session (401, or the API unreachable) the console starts signed out.
 */
export async function restoreSession(fetchFn: typeof fetch = globalThis.fetch): Promise<void> {
  try {
    const res = await fetchFn(
      new Request(window.location.origin + "/api/v1/auth/session", { credentials: "same-origin" }),
    );
    if (res.ok) startSession((await res.json()) as SessionAnswer);
  } catch {
    // Signed out; the sign-in page says what the API answers then.
  }
}

/** getSession is the current session, or null when signed out. */
export function getSession(): Session | null {
  return current;
}

/** lastEndReason says why the previous session ended, if one did. */
export function lastEndReason(): EndReason | null {
  return lastEnd;
}

/** subscribe calls fn whenever the session starts or ends. */
export function subscribe(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** startSession keeps the answer of a successful sign-in (or of GET /auth/session). */
export function startSession(answer: SessionAnswer): Session {
  const s: Session = {
    csrfToken: answer.csrf_token,
    expiresAt: Date.parse(answer.expires_at),
    method: answer.method,
    user: answer.user,
  };
  current = s;
  lastEnd = null;
  schedule(s);
  notify();
  return s;
}

/** endSession forgets the session; the console returns to sign-in. */
export function endSession(reason: EndReason): void {
  clearTimeout(expiryTimer);
  if (!current) return;
  current = null;
  lastEnd = reason;
  notify();
}

const unsafe = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * authMiddleware sends the session's CSRF token with every unsafe request
 * (the browser sends the cookie by itself) and ends the session when the
 * API no longer accepts it (401 on any call but sign-in itself, whose 401
 * means a wrong password).
 */
export const authMiddleware: Middleware = {
  onRequest({ request }) {
    if (current && unsafe.has(request.method)) request.headers.set("X-CSRF-Token", current.csrfToken);
    return request;
  },
  onResponse({ request, response }) {
    if (response.status === 401 && current && !new URL(request.url).pathname.endsWith("/auth/login")) {
      endSession("expired");
    }
    return response;
  },
};
