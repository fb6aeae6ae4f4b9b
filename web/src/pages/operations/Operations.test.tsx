import { afterEach, describe, expect, it, vi } from "vitest";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { endSession } from "../../auth/session";
import type { Operation } from "../../api/types";
import { mockApi, type SentRequest } from "../../test/api";
import { renderAt, signInAs, testUser } from "../../test/render";
import { Operations } from "./Operations";

function op(over: Partial<Operation>): Operation {
  return {
    id: "op-1",
    kind: "vm.create",
    target_type: "vm",
    target_id: "vm-1",
    workflow_id: "vm/vm-1/clone",
    state: "completed",
    skippable: false,
    requested_by: "u-1",
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    ...over,
  };
}

const stuck = op({
  id: "op-9",
  kind: "vm.delete",
  state: "awaiting_operator",
  step: "destroy guest",
  error: "node pve1 is offline",
});

function operationsAPI() {
  return mockApi({
    "GET /api/v1/operations": (req: SentRequest) => {
      const state = new URLSearchParams(req.search).get("state");
      if (state === "awaiting_operator") return { body: { items: [stuck] } };
      if (state === "failed") return { body: { items: [] } };
      return { body: { items: [op({}), stuck] } };
    },
    "POST /api/v1/operations/op-9/retry": { status: 202, body: stuck },
    "GET /api/v1/console/settings": {
      body: { temporal_ui_url: "http://localhost:8233", temporal_namespace: "default" },
    },
  });
}

afterEach(() => {
  endSession("signed_out");
  vi.unstubAllGlobals();
});

describe("Operations", () => {
  it("puts the operations awaiting an operator on top, and retries one with the reason", async () => {
    signInAs(testUser(["admin"]));
    const sent = operationsAPI();
    renderAt(<Operations />, { path: "/operations", route: "/operations" });

    const awaiting = await screen.findByRole("list", { name: "Operations awaiting an operator" });
    const all = await screen.findByRole("table");
    expect(awaiting.compareDocumentPosition(all) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(within(awaiting).getByText("node pve1 is offline")).toBeTruthy();

    await userEvent.type(within(awaiting).getByLabelText(/Reason/), "pve1 is back");
    await userEvent.click(within(awaiting).getByRole("button", { name: /^Retry vm.delete/ }));
    await userEvent.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Retry" }));
    expect(await screen.findByText(/Retry sent/)).toBeTruthy();
    const retry = sent.find((r) => r.method === "POST");
    expect(retry?.path).toBe("/api/v1/operations/op-9/retry");
    expect(retry?.body).toEqual({ reason: "pve1 is back" });
  });

  it("lists every operation with a link to its workflow in the Temporal Web UI", async () => {
    signInAs(testUser(["admin"]));
    operationsAPI();
    renderAt(<Operations />, { path: "/operations", route: "/operations" });
    const table = await screen.findByRole("table");
    const rows = within(table).getAllByRole("row");
    expect(rows).toHaveLength(3);
    const link = await within(rows[1] as HTMLElement).findByRole("link", { name: /Workflow\s*vm\/vm-1\/clone/ });
    expect(link.getAttribute("href")).toBe("http://localhost:8233/namespaces/default/workflows/vm%2Fvm-1%2Fclone");
  });

  it("filters by state through the URL and says when nothing matches", async () => {
    signInAs(testUser(["admin"]));
    const sent = operationsAPI();
    const { router } = renderAt(<Operations />, { path: "/operations", route: "/operations" });
    await screen.findByRole("table");
    await userEvent.selectOptions(screen.getByLabelText("State"), "failed");
    expect(await screen.findByText("No operation matches these filters.")).toBeTruthy();
    expect(router.state.location.search).toBe("?state=failed");
    expect(sent.some((r) => new URLSearchParams(r.search).get("state") === "failed")).toBe(true);
  });
});
