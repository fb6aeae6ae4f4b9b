import { afterEach, describe, expect, it, vi } from "vitest";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { endSession } from "../../auth/session";
import { apiError, mockApi } from "../../test/api";
import { renderAt, signInAs, testUser } from "../../test/render";
import { EventCreateForm, localToISO } from "./EventCreateForm";

afterEach(() => {
  endSession("signed_out");
  vi.unstubAllGlobals();
});

const environments = { body: { items: [{ id: "env-1", name: "Linux basics" }] } };

describe("EventCreateForm", () => {
  it("sends the event with its start in RFC 3339 and shows a taken short name on its field", async () => {
    signInAs(testUser(["instructor"]));
    const sent = mockApi({
      "GET /api/v1/environments": environments,
      "POST /api/v1/events": apiError(409, "conflict", "the short name is taken", {
        short_name: "lin1 is used by event Linux lab 0",
      }),
    });
    renderAt(<EventCreateForm />);
    await userEvent.type(screen.getByLabelText("Name"), "Linux lab 1");
    await userEvent.type(screen.getByLabelText("Short name"), "lin1");
    await screen.findByRole("option", { name: "Linux basics" });
    await userEvent.selectOptions(screen.getByLabelText("Environment"), "env-1");
    await userEvent.type(screen.getByLabelText("Starts"), "2030-05-04T09:30");
    await userEvent.click(screen.getByRole("button", { name: "Plan event" }));

    const field = screen.getByLabelText("Short name");
    expect(await screen.findByText("lin1 is used by event Linux lab 0")).toBeTruthy();
    expect(field.getAttribute("aria-invalid")).toBe("true");
    expect(field.getAttribute("aria-describedby")).toContain(screen.getByText("lin1 is used by event Linux lab 0").id);
    const post = sent.find((r) => r.method === "POST");
    expect(post?.body).toEqual({
      name: "Linux lab 1",
      short_name: "lin1",
      environment_id: "env-1",
      starts_at: new Date("2030-05-04T09:30").toISOString(),
    });
    expect(post?.headers.get("Idempotency-Key")).toBeTruthy();
  });

  it("navigates to the planned event", async () => {
    signInAs(testUser(["instructor"]));
    mockApi({ "GET /api/v1/environments": environments, "POST /api/v1/events": { status: 201, body: { id: "ev-7" } } });
    const { router } = renderAt(<EventCreateForm />);
    await userEvent.type(screen.getByLabelText("Name"), "Linux lab 1");
    await userEvent.click(screen.getByRole("button", { name: "Plan event" }));
    await screen.findByTestId("elsewhere");
    expect(router.state.location.pathname).toBe("/events/ev-7");
  });
});

describe("localToISO", () => {
  it("reads a datetime-local value in the user's time zone and leaves blanks and nonsense alone", () => {
    expect(localToISO("2030-05-04T09:30")).toBe(new Date(2030, 4, 4, 9, 30).toISOString());
    expect(localToISO("")).toBe("");
    expect(localToISO("soon")).toBe("soon");
  });
});
