import { afterEach, describe, expect, it, vi } from "vitest";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { endSession } from "../../../auth/session";
import { apiError, mockApi } from "../../../test/api";
import { renderAt, signInAs, testUser } from "../../../test/render";
import { AuditLog } from "./AuditLog";

const record = {
  id: "a-1",
  time: "2026-01-02T10:00:00Z",
  actor_id: "6a1c1d9e-0000-4000-8000-000000000001",
  actor_name: "ada",
  action: "vm.create",
  object_type: "vm",
  object_id: "vm-1",
  after: { name: "web-1" },
  request_id: "req-9",
  client_ip: "192.0.2.1",
};

afterEach(() => {
  endSession("signed_out");
  vi.unstubAllGlobals();
});

describe("AuditLog", () => {
  it("sends the filters the API takes, times as RFC 3339", async () => {
    signInAs(testUser(["admin"]));
    const sent = mockApi({ "GET /api/v1/audit": { body: { items: [record] } } });
    renderAt(<AuditLog />, { path: "/?actor=ada&since=2026-01-02T09:00" });
    expect(await screen.findByText("vm.create")).toBeTruthy();
    expect(screen.getByText("Before and after")).toBeTruthy();
    const q = new URLSearchParams(sent[0]?.search);
    expect(q.get("actor")).toBe("ada");
    expect(q.get("since")).toBe(new Date("2026-01-02T09:00").toISOString());

    await userEvent.type(screen.getByLabelText("Action"), "vm.delete");
    await vi.waitFor(() => expect(new URLSearchParams(sent[sent.length - 1]?.search).get("action")).toBe("vm.delete"));
  });

  it("asks nothing while until is not after since, and shows the API's error on its filter", async () => {
    signInAs(testUser(["admin"]));
    const sent = mockApi({
      "GET /api/v1/audit": apiError(400, "invalid", "the request is invalid", { object_id: "must be a UUID" }),
    });
    renderAt(<AuditLog />, { path: "/?since=2026-01-02T09:00&until=2026-01-02T08:00" });
    const until = screen.getByLabelText("Until");
    expect(until.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText("must be after since")).toBeTruthy();
    expect(sent).toHaveLength(0);

    await userEvent.clear(until);
    const msg = await screen.findByText("must be a UUID");
    expect(screen.getByLabelText("Object id").getAttribute("aria-describedby")).toContain(msg.id);
    expect((await screen.findByRole("alert")).textContent).toContain("Could not load the audit log");
  });
});
