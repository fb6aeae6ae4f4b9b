// The console's one authentication module: how a session is kept, how
// requests carry it and how it ends. Today the API hands out a bearer
// access token at sign-in, kept in memory and in sessionStorage (so a
// reload keeps the tab signed in, and closing the tab forgets it); a change
// to an HttpOnly session cookie with a CSRF token only touches this file.
import type { Middleware } from "openapi-fetch";
import type { User } from "../api/types";

/** Session is a signed-in user and the credentials of their requests. */
export interface Session {
  token: string;
  /** Milliseconds since the epoch when the token stops being accepted. */
  expiresAt: number;
  user: User;
}

/** Why the last session ended, for the sign-in page to say. */
export type EndReason = "signed_out" | "expired";

const storageKey = "labforge.session";

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

function load(): Session | null {
  try {
    const raw = sessionStorage.getItem(storageKey);
    if (!raw) return null;
    const s = JSON.parse(raw) as Session;
    if (typeof s.token !== "string" || typeof s.expiresAt !== "number" || s.expiresAt <= Date.now()) {
      sessionStorage.removeItem(storageKey);
      return null;
    }
    return s;
  } catch {
    return null;
  }
}

/** restoreSession picks up the tab's session after a reload. */
export function restoreSession(): void {
  const s = load();
  if (s) {
    current = s;
    schedule(s);
    notify();
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

/** startSession keeps the answer of a successful sign-in. */
export function startSession(answer: { access_token: string; expires_at: string; user: User }): Session {
  const s: Session = { token: answer.access_token, expiresAt: Date.parse(answer.expires_at), user: answer.user };
  current = s;
  lastEnd = null;
  try {
    sessionStorage.setItem(storageKey, JSON.stringify(s));
  } catch {
    // Storage may be off (private mode); the session then lives in memory.
  }
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
  try {
    sessionStorage.removeItem(storageKey);
  } catch {
    // Nothing was stored.
  }
  notify();
}

/**
 * authMiddleware sends the session's token with every request and ends
 * the session when the API no longer accepts it (401 on any call but
 * sign-in itself, whose 401 means a wrong password).
 */
export const authMiddleware: Middleware = {
  onRequest({ request }) {
    if (current) request.headers.set("Authorization", `Bearer ${current.token}`);
    return request;
  },
  onResponse({ request, response }) {
    if (response.status === 401 && current && !new URL(request.url).pathname.endsWith("/auth/login")) {
      endSession("expired");
    }
    return response;
  },
};
