import { afterEach, describe, expect, it, vi } from "vitest";
import { act, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { endSession } from "../../auth/session";
import { apiError, mockApi, type SentRequest } from "../../test/api";
import { renderAt, signInAs, testUser } from "../../test/render";
import { Participants } from "./Participants";

afterEach(() => {
  endSession("signed_out");
  vi.unstubAllGlobals();
});

const eventId = "e0000000-0000-4000-8000-000000000001";
const anna = { id: "a0000000-0000-4000-8000-000000000001", username: "anna.k", display_name: "Anna Smith" };
const andy = { id: "a0000000-0000-4000-8000-000000000002", username: "andy", display_name: "" };
const participants = { body: { users: [], groups: [], members: [] } };
const added = { body: { users: [], groups: [], members: [] } };

/** lookups are the user lookups among sent, by their q. */
function lookups(sent: SentRequest[]): string[] {
  return sent
    .filter((r) => r.method === "GET" && r.path === "/api/v1/users/lookup")
    .map((r) => new URLSearchParams(r.search).get("q") ?? "");
}

function renderParticipants() {
  signInAs(testUser(["instructor"]));
  return renderAt(<Participants eventId={eventId} members={[]} />);
}

describe("Participants", () => {
  it("looks users up from 2 characters and adds the one picked", async () => {
    const sent = mockApi({
      [`GET /api/v1/events/${eventId}/participants`]: participants,
      "GET /api/v1/groups": apiError(403, "forbidden", "you may not read group objects"),
      "GET /api/v1/users/lookup": { body: { items: [anna, andy] } },
      [`POST /api/v1/events/${eventId}/participants`]: added,
    });
    renderParticipants();
    const field = await screen.findByRole("combobox", { name: "User" });

    await userEvent.type(field, "a");
    // Longer than the lookup's delay, so a lookup of "a" would have been sent.
    await act(() => new Promise((r) => setTimeout(r, 400)));
    expect(lookups(sent)).toEqual([]);
    expect(field.getAttribute("aria-expanded")).toBe("false");

    await userEvent.type(field, "n");
    await userEvent.click(await screen.findByRole("option", { name: "Anna Smith (anna.k)" }));
    expect(lookups(sent)).toEqual(["an"]);
    expect(new URLSearchParams(sent.find((r) => r.path === "/api/v1/users/lookup")?.search).get("limit")).toBe("10");
    expect((field as HTMLInputElement).value).toBe("Anna Smith (anna.k)");
    expect(field.getAttribute("aria-expanded")).toBe("false");

    await userEvent.click(screen.getByRole("button", { name: "Add" }));
    await waitFor(() => expect(sent.some((r) => r.method === "POST")).toBe(true));
    expect(sent.find((r) => r.method === "POST")?.body).toEqual({ user_id: anna.id, role: "participant" });
    await waitFor(() => expect((field as HTMLInputElement).value).toBe(""));
  });

  it("picks a suggestion with the arrow keys and Enter, with the role chosen", async () => {
    const sent = mockApi({
      [`GET /api/v1/events/${eventId}/participants`]: participants,
      "GET /api/v1/groups": { body: { items: [] } },
      "GET /api/v1/users/lookup": { body: { items: [anna, andy] } },
      [`POST /api/v1/events/${eventId}/participants`]: added,
    });
    renderParticipants();
    const field = await screen.findByRole("combobox", { name: "User" });
    expect(screen.getByRole("button", { name: "Add" }).hasAttribute("disabled")).toBe(true);

    await userEvent.type(field, "an");
    await screen.findByRole("option", { name: "andy" });
    await userEvent.keyboard("{ArrowDown}{ArrowDown}");
    expect(field.getAttribute("aria-activedescendant")).toBe(screen.getByRole("option", { name: "andy" }).id);
    await userEvent.keyboard("{Enter}");
    expect((field as HTMLInputElement).value).toBe("andy");
    expect(sent.some((r) => r.method === "POST")).toBe(false);

    await userEvent.selectOptions(screen.getByLabelText("Role"), "instructor");
    await userEvent.click(screen.getByRole("button", { name: "Add" }));
    await waitFor(() => expect(sent.some((r) => r.method === "POST")).toBe(true));
    expect(sent.find((r) => r.method === "POST")?.body).toEqual({ user_id: andy.id, role: "instructor" });
  });

  it("shows the API's error about the user on the field", async () => {
    mockApi({
      [`GET /api/v1/events/${eventId}/participants`]: participants,
      "GET /api/v1/groups": { body: { items: [] } },
      "GET /api/v1/users/lookup": { body: { items: [anna] } },
      [`POST /api/v1/events/${eventId}/participants`]: apiError(400, "invalid", "the request has invalid fields", {
        user_id: "must name an enabled user",
      }),
    });
    renderParticipants();
    const field = await screen.findByRole("combobox", { name: "User" });
    await userEvent.type(field, "anna");
    await userEvent.click(await screen.findByRole("option", { name: "Anna Smith (anna.k)" }));
    await userEvent.click(screen.getByRole("button", { name: "Add" }));

    const message = await screen.findByText("must name an enabled user");
    expect(field.getAttribute("aria-invalid")).toBe("true");
    expect(field.getAttribute("aria-describedby")).toContain(message.id);
  });

  it("shows the lookup's field error on the field", async () => {
    mockApi({
      [`GET /api/v1/events/${eventId}/participants`]: participants,
      "GET /api/v1/groups": { body: { items: [] } },
      "GET /api/v1/users/lookup": apiError(400, "invalid", "the request has invalid fields", {
        q: "must be 2 to 100 characters, not counting spaces around them",
      }),
    });
    renderParticipants();
    const field = await screen.findByRole("combobox", { name: "User" });
    await userEvent.type(field, "an");
    await screen.findByText("must be 2 to 100 characters, not counting spaces around them");
    expect(field.getAttribute("aria-invalid")).toBe("true");
  });

  it("lets a caller the API refuses lookups to name the user by id, or pick a group", async () => {
    const sent = mockApi({
      [`GET /api/v1/events/${eventId}/participants`]: participants,
      "GET /api/v1/groups": { body: { items: [{ id: "g1", name: "Class A" }] } },
      "GET /api/v1/users/lookup": apiError(403, "forbidden", "you may look up users only if you may create events"),
      [`POST /api/v1/events/${eventId}/participants`]: added,
    });
    renderParticipants();
    await userEvent.type(await screen.findByRole("combobox", { name: "User" }), anna.id);
    const idField = await screen.findByRole("textbox", { name: "User id" });
    await userEvent.click(screen.getByRole("button", { name: "Add" }));
    await waitFor(() => expect(sent.some((r) => r.method === "POST")).toBe(true));
    expect(sent.filter((r) => r.method === "POST").map((r) => r.body)).toEqual([
      { user_id: anna.id, role: "participant" },
    ]);

    await waitFor(() => expect((idField as HTMLInputElement).value).toBe(""));
    await userEvent.selectOptions(screen.getByLabelText("Group"), "g1");
    await userEvent.click(screen.getByRole("button", { name: "Add" }));
    await waitFor(() => expect(sent.filter((r) => r.method === "POST")).toHaveLength(2));
    expect(sent.filter((r) => r.method === "POST")[1]?.body).toEqual({ group_id: "g1", role: "participant" });
  });
});
