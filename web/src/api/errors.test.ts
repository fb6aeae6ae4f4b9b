import { describe, expect, it } from "vitest";
import { ApiError, unwrap } from "./errors";

function answer(status: number, body: unknown, headers: Record<string, string> = {}) {
  const response = new Response(JSON.stringify(body), { status, headers });
  return status < 400 ? { data: body, response } : { error: body, response };
}

describe("unwrap", () => {
  it("resolves to the data of a successful answer", async () => {
    await expect(unwrap(Promise.resolve(answer(200, { items: [1] })))).resolves.toEqual({ items: [1] });
  });

  it("rejects with the API's code, message and fields", async () => {
    const body = {
      error: { code: "invalid", message: "bad request", fields: { email: "is not an address" }, request_id: "r1" },
    };
    const err = await unwrap(Promise.resolve(answer(400, body))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect([e.status, e.code, e.message, e.requestId]).toEqual([400, "invalid", "bad request", "r1"]);
    expect(e.field("email")).toBe("is not an address");
    expect(e.field("username")).toBeUndefined();
  });

  it("keeps Retry-After of a throttled sign-in", async () => {
    const body = { error: { code: "too_many_requests", message: "too many failed sign-ins" } };
    const err = (await unwrap(Promise.resolve(answer(429, body, { "Retry-After": "30" }))).catch(
      (e: unknown) => e,
    )) as ApiError;
    expect(err.retryAfter).toBe(30);
  });

  it("names a body that is not the error envelope by its status", async () => {
    const err = (await unwrap(Promise.resolve(answer(502, "Bad Gateway"))).catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe("internal");
    expect(err.message).toContain("502");
  });

  it("says the API cannot be reached when fetch fails", async () => {
    const err = (await unwrap(Promise.reject(new TypeError("Failed to fetch"))).catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe("network");
    expect(err.message).toMatch(/Cannot reach the Labforge API/);
  });
});
