import { api } from "../api/client";
import { ApiError, unwrap } from "../api/errors";
import { startSession, type Session } from "./session";

/**
 * signIn signs in with a local account and starts the session; it rejects
 * with the API's ApiError (401 wrong credentials, 429 throttled, 400 with
 * fields).
 */
export async function signIn(username: string, password: string): Promise<Session> {
  const answer = await unwrap(api.POST("/api/v1/auth/login", { body: { username, password } }));
  // Without "session": true the API answers an access token, never a console session.
  if (!("access_token" in answer)) {
    throw new ApiError({ status: 200, code: "internal", message: "The API answered a session instead of a token." });
  }
  return startSession(answer);
}
