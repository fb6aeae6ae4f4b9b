import { afterEach, describe, expect, it, vi } from "vitest";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { endSession } from "../../auth/session";
import { apiError, mockApi } from "../../test/api";
import { renderAt, signInAs, testUser } from "../../test/render";
import { EmailLog } from "./email/EmailLog";
import { Groups } from "./groups/Groups";
import { SystemEvents } from "./SystemEvents";
import { Templates } from "./Templates";

const ada = { ...testUser(["admin"]), id: "6a1c1d9e-0000-4000-8000-00000000000a", username: "ada" };
const bob = { ...testUser(), id: "6a1c1d9e-0000-4000-8000-00000000000b", username: "bob" };

afterEach(() => {
  endSession("signed_out");
  vi.unstubAllGlobals();
});

describe("administrator's lists", () => {
  it("say when they are empty and when they cannot be loaded", async () => {
    signInAs(ada);
    mockApi({
      "GET /api/v1/templates": { body: { items: [] } },
      "GET /api/v1/system/events": apiError(503, "unavailable", "MongoDB is unreachable"),
    });
    const first = renderAt(<Templates />);
    expect(await screen.findByText(/No template matches/)).toBeTruthy();
    first.unmount();
    renderAt(<SystemEvents />);
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Could not load system events");
    expect(alert.textContent).toContain("MongoDB is unreachable");
  });

  it("filter the e-mail log and resend a failed e-mail after confirmation", async () => {
    signInAs(ada);
    const failed = {
      id: "e-1",
      recipient: "bob@example.org",
      template: "event.deployed",
      subject: "Your lab is ready",
      body: "<p>hi</p>",
      data: {},
      status: "failed",
      error: "550 mailbox unavailable",
      attempts: 5,
      created_at: "2026-01-02T10:00:00Z",
      updated_at: "2026-01-02T10:05:00Z",
    };
    const sent = mockApi({
      "GET /api/v1/email-log": {
        body: { items: [failed, { ...failed, id: "e-2", status: "sent", error: undefined }] },
      },
      "POST /api/v1/email-log/e-1/resend": { status: 202, body: { ...failed, status: "queued" } },
    });
    renderAt(<EmailLog />, { path: "/?status=failed" });
    expect(await screen.findByText("550 mailbox unavailable")).toBeTruthy();
    expect(new URLSearchParams(sent[0]?.search).get("status")).toBe("failed");
    expect(screen.getAllByRole("button", { name: /Resend/ })).toHaveLength(1);

    await userEvent.click(screen.getByRole("button", { name: "Resend the e-mail to bob@example.org" }));
    await userEvent.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Resend" }));
    expect(await screen.findByText(/queued again/)).toBeTruthy();
    expect(sent.find((r) => r.method === "POST")?.headers.get("Idempotency-Key")).toBeTruthy();
  });

  it("show a group's members by username and add one", async () => {
    signInAs(ada);
    const group = {
      id: "g-1",
      name: "class-a",
      description: "",
      member_ids: [ada.id],
      created_at: "2026-01-01T00:00:00Z",
    };
    const sent = mockApi({
      "GET /api/v1/groups": { body: { items: [group] } },
      "GET /api/v1/users": { body: { items: [ada, bob] } },
      "POST /api/v1/groups/g-1/members": { body: { ...group, member_ids: [ada.id, bob.id] } },
    });
    renderAt(<Groups />);
    const members = await screen.findByRole("list", { name: "Members of class-a" });
    expect(await within(members).findByText("ada")).toBeTruthy();
    await userEvent.selectOptions(screen.getByLabelText("User"), "bob");
    await userEvent.click(screen.getByRole("button", { name: "Add member" }));
    await vi.waitFor(() => expect(sent.find((r) => r.method === "POST")?.body).toEqual({ user_id: bob.id }));
  });
});
