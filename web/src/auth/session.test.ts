import { afterEach, describe, expect, it, vi } from "vitest";
import { api } from "../api/client";
import { apiError, mockApi } from "../test/api";
import { loginAnswer, signInAs, testUser } from "../test/render";
import { endSession, getSession, lastEndReason, restoreSession, subscribe } from "./session";
import { signIn } from "./signIn";

afterEach(() => {
  endSession("signed_out");
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("session", () => {
  it("signs in, keeps the token for the tab and sends it as a bearer token", async () => {
    const sent = mockApi({
      "POST /api/v1/auth/login": loginAnswer("tok"),
      "GET /api/v1/me": { body: testUser() },
    });
    await signIn("pat", "correct horse battery");
    expect(sent[0]?.body).toEqual({ username: "pat", password: "correct horse battery" });
    expect(getSession()?.user.username).toBe("pat");
    expect(JSON.parse(sessionStorage.getItem("labforge.session") ?? "{}").token).toBe("tok");

    await api.GET("/api/v1/me");
    expect(sent[1]?.headers.get("Authorization")).toBe("Bearer tok");
  });

  it("ends the session as expired when the API stops accepting the token", async () => {
    signInAs();
    mockApi({ "GET /api/v1/me": apiError(401, "unauthorized", "token expired") });
    const seen = vi.fn();
    const stop = subscribe(seen);
    await api.GET("/api/v1/me");
    stop();
    expect(getSession()).toBeNull();
    expect(lastEndReason()).toBe("expired");
    expect(seen).toHaveBeenCalled();
    expect(sessionStorage.getItem("labforge.session")).toBeNull();
  });

  it("keeps the session when a sign-in attempt is refused", async () => {
    signInAs();
    mockApi({ "POST /api/v1/auth/login": apiError(401, "unauthorized", "wrong username or password") });
    await expect(signIn("pat", "wrong")).rejects.toThrow("wrong username or password");
    expect(getSession()).not.toBeNull();
  });

  it("ends the session when its token's time is up", () => {
    vi.useFakeTimers();
    signInAs();
    vi.advanceTimersByTime(3600_000 + 1);
    expect(getSession()).toBeNull();
    expect(lastEndReason()).toBe("expired");
  });

  it("restores the tab's session after a reload, unless it has expired", () => {
    const s = signInAs();
    const stored = sessionStorage.getItem("labforge.session");
    endSession("signed_out");
    sessionStorage.setItem("labforge.session", stored ?? "");
    restoreSession();
    expect(getSession()?.token).toBe(s.token);

    endSession("signed_out");
    sessionStorage.setItem("labforge.session", JSON.stringify({ ...s, expiresAt: Date.now() - 1 }));
    restoreSession();
    expect(getSession()).toBeNull();
  });
});
