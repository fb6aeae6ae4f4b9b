import { afterEach, describe, expect, it, vi } from "vitest";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { endSession } from "../../auth/session";
import type { Operation } from "../../api/types";
import { mockApi } from "../../test/api";
import { renderAt, signInAs, testUser } from "../../test/render";
import { OperationDetail } from "./OperationDetail";

const awaiting: Operation = {
  id: "op-3",
  kind: "vm.create",
  target_type: "vm",
  target_id: "vm-3",
  workflow_id: "vm/vm-3/clone",
  run_id: "run-3",
  state: "awaiting_operator",
  step: "baseline snapshot",
  error: 'step "baseline snapshot" failed: storage full',
  skippable: true,
  requested_by: "u-1",
  created_at: "2026-01-01T09:00:00Z",
  updated_at: "2026-01-01T09:00:10Z",
  steps: [
    {
      name: "clone",
      state: "succeeded",
      attempts: 1,
      started_at: "2026-01-01T09:00:00Z",
      ended_at: "2026-01-01T09:00:04.500Z",
    },
    {
      name: "configure",
      state: "succeeded",
      attempts: 2,
      started_at: "2026-01-01T09:00:04.500Z",
      ended_at: "2026-01-01T09:01:10Z",
    },
    {
      name: "baseline snapshot",
      state: "awaiting_operator",
      attempts: 1,
      error: "storage full",
      started_at: "2026-01-01T09:01:10Z",
    },
  ],
};

afterEach(() => {
  endSession("signed_out");
  vi.unstubAllGlobals();
});

describe("OperationDetail", () => {
  it("lists the steps in order with their state, time, attempts and error", async () => {
    signInAs(testUser(["admin"]));
    mockApi({
      "GET /api/v1/operations/op-3": { body: awaiting },
      "GET /api/v1/console/settings": { body: { temporal_ui_url: "", temporal_namespace: "default" } },
    });
    renderAt(<OperationDetail />, { path: "/operations/op-3", route: "/operations/:id" });
    const steps = await screen.findByRole("list", { name: "Steps of the operation" });
    const items = within(steps).getAllByRole("listitem");
    expect(items.map((li) => li.querySelector(".step-name")?.textContent)).toEqual([
      "clone",
      "configure",
      "baseline snapshot",
    ]);
    expect(within(items[0] as HTMLElement).getByText("4.5 s")).toBeTruthy();
    expect(within(items[1] as HTMLElement).getByText("1 min 6 s")).toBeTruthy();
    expect(within(items[1] as HTMLElement).getByText("2 attempts")).toBeTruthy();
    expect(items[2]?.getAttribute("aria-current")).toBe("step");
    expect(within(items[2] as HTMLElement).getByText("storage full")).toBeTruthy();
    expect(screen.getByText("2 of 3 steps done")).toBeTruthy();
    // Without a Temporal Web UI configured, the workflow id is plain text.
    expect(screen.getByText("vm/vm-3/clone").tagName).toBe("SPAN");
  });

  it("skips a step that may be skipped, and offers no skip otherwise", async () => {
    signInAs(testUser(["admin"]));
    const sent = mockApi({
      "GET /api/v1/operations/op-3": { body: awaiting },
      "GET /api/v1/console/settings": {
        body: { temporal_ui_url: "https://temporal.example.org", temporal_namespace: "labs" },
      },
      "POST /api/v1/operations/op-3/skip": { status: 202, body: awaiting },
    });
    renderAt(<OperationDetail />, { path: "/operations/op-3", route: "/operations/:id" });
    const link = await screen.findByRole("link", { name: /vm\/vm-3\/clone/ });
    expect(link.getAttribute("href")).toBe(
      "https://temporal.example.org/namespaces/labs/workflows/vm%2Fvm-3%2Fclone/run-3/history",
    );
    await userEvent.click(screen.getByRole("button", { name: /^Skip the step "baseline snapshot"/ }));
    await userEvent.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Skip" }));
    expect(await screen.findByText(/Skip sent/)).toBeTruthy();
    expect(sent.some((r) => r.method === "POST" && r.path === "/api/v1/operations/op-3/skip")).toBe(true);
  });

  it("offers no skip on a step the operation needs", async () => {
    signInAs(testUser(["admin"]));
    mockApi({
      "GET /api/v1/operations/op-3": { body: { ...awaiting, step: "clone", skippable: false } },
      "GET /api/v1/console/settings": { body: { temporal_ui_url: "", temporal_namespace: "default" } },
    });
    renderAt(<OperationDetail />, { path: "/operations/op-3", route: "/operations/:id" });
    expect(await screen.findByRole("button", { name: /^Retry/ })).toBeTruthy();
    expect(screen.queryByRole("button", { name: /^Skip/ })).toBeNull();
  });
});
