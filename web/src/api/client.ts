import createClient from "openapi-fetch";
import type { paths } from "./schema";
import { authMiddleware } from "../auth/session";

/**
 * api is the typed client of the Labforge API on the console's own origin.
 * Every request carries the session's credentials (auth/session.ts).
 */
export const api = createClient<paths>({
  baseUrl: window.location.origin,
  // Looked up on each call, so tests can replace globalThis.fetch.
  fetch: (request) => globalThis.fetch(request),
});
api.use(authMiddleware);

/**
 * idempotencyKey is a fresh Idempotency-Key for one request that starts
 * work: a retry of the same attempt must reuse it.
 */
export function idempotencyKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  // randomUUID exists only in secure contexts (HTTPS or localhost).
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}
