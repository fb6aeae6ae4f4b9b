import { api } from "../api/client";
import { unwrap } from "../api/errors";
import { endSession, getSession, startSession, type Session, type SessionAnswer } from "./session";

/**
 * signIn signs in with a local or directory (LDAP) account and starts a
 * cookie session; it rejects with the API's ApiError (401 wrong
 * credentials, 429 throttled, 400 with fields).
 */
export async function signIn(username: string, password: string): Promise<Session> {
  const answer = await unwrap(api.POST("/api/v1/auth/login", { body: { username, password, session: true } }));
  if (!("csrf_token" in answer)) throw new Error("the API answered a token instead of a session");
  return startSession(answer as SessionAnswer);
}

/**
 * signOut ends the session on the server, then in the console. The console
 * signs out even when the API cannot be reached: the cookie then ends on
 * its own timeouts.
 */
export async function signOut(): Promise<void> {
  if (getSession()) {
    try {
      await api.DELETE("/api/v1/auth/session");
    } catch {
      // Unreachable API: forget the session here all the same.
    }
  }
  endSession("signed_out");
}
