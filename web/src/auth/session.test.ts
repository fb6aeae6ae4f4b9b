import { afterEach, describe, expect, it, vi } from "vitest";
import { api } from "../api/client";
import { apiError, mockApi } from "../test/api";
import { loginAnswer, sessionAnswer, signInAs, testUser } from "../test/render";
import { endSession, getSession, lastEndReason, restoreSession, subscribe } from "./session";
import { signIn, signOut } from "./signIn";

afterEach(() => {
  endSession("signed_out");
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("session", () => {
  it("signs in for a cookie session and sends its CSRF token with unsafe requests only", async () => {
    const sent = mockApi({
      "POST /api/v1/auth/login": loginAnswer("csrf-1"),
      "GET /api/v1/me": { body: testUser() },
      "POST /api/v1/api-keys": { status: 201, body: {} },
    });
    await signIn("pat", "correct horse battery");
    expect(sent[0]?.body).toEqual({ username: "pat", password: "correct horse battery", session: true });
    expect(getSession()?.user.username).toBe("pat");
    expect(getSession()?.csrfToken).toBe("csrf-1");

    await api.GET("/api/v1/me");
    expect(sent[1]?.headers.get("X-CSRF-Token")).toBeNull();
    expect(sent[1]?.headers.get("Authorization")).toBeNull();
    await api.POST("/api/v1/api-keys", { body: { name: "console" } });
    expect(sent[2]?.headers.get("X-CSRF-Token")).toBe("csrf-1");
  });

  it("ends the session as expired when the API stops accepting it", async () => {
    signInAs();
    mockApi({ "GET /api/v1/me": apiError(401, "unauthorized", "your session expired") });
    const seen = vi.fn();
    const stop = subscribe(seen);
    await api.GET("/api/v1/me");
    stop();
    expect(getSession()).toBeNull();
    expect(lastEndReason()).toBe("expired");
    expect(seen).toHaveBeenCalled();
  });

  it("keeps the session when a sign-in attempt is refused", async () => {
    signInAs();
    mockApi({ "POST /api/v1/auth/login": apiError(401, "unauthorized", "wrong username or password") });
    await expect(signIn("pat", "wrong")).rejects.toThrow("wrong username or password");
    expect(getSession()).not.toBeNull();
  });

  it("ends the session when its time is up", () => {
    vi.useFakeTimers();
    signInAs();
    vi.advanceTimersByTime(3600_000 + 1);
    expect(getSession()).toBeNull();
    expect(lastEndReason()).toBe("expired");
  });

  it("signs out on the server, then in the console", async () => {
    signInAs();
    const sent = mockApi({ "DELETE /api/v1/auth/session": { status: 204 } });
    await signOut();
    expect(sent[0]?.method).toBe("DELETE");
    expect(sent[0]?.headers.get("X-CSRF-Token")).toBe("csrf-pat");
    expect(getSession()).toBeNull();
    expect(lastEndReason()).toBe("signed_out");
  });

  it("restores the browser's session after a reload, and starts signed out without one", async () => {
    const ok = vi.fn(async () => new Response(JSON.stringify(sessionAnswer("csrf-2")), { status: 200 }));
    await restoreSession(ok);
    expect(getSession()?.csrfToken).toBe("csrf-2");

    endSession("signed_out");
    const none = vi.fn(async () => new Response("{}", { status: 401 }));
    await restoreSession(none);
    expect(getSession()).toBeNull();
  });
});
