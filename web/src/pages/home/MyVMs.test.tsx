import { afterEach, describe, expect, it, vi } from "vitest";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { endSession } from "../../auth/session";
import type { VM } from "../../api/types";
import { apiError, mockApi } from "../../test/api";
import { renderAt, signInAs, testUser } from "../../test/render";
import { MyVMs } from "./MyVMs";

const me = testUser();

function vm(over: Partial<VM>): VM {
  return {
    id: "vm-1",
    name: "web-1",
    owner_id: me.id,
    template_id: "t-1",
    cluster: "lab",
    linked_clone: true,
    cores: 2,
    memory_mb: 2048,
    state: "ready",
    power_state: "running",
    ipv4: "10.20.0.15",
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    ...over,
  };
}

const operation = {
  id: "op-1",
  kind: "vm.stop",
  target_type: "vm",
  target_id: "vm-1",
  workflow_id: "vm/vm-1/op",
  state: "pending",
  requested_by: me.id,
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
};

afterEach(() => {
  endSession("signed_out");
  vi.unstubAllGlobals();
});

describe("MyVMs", () => {
  it("lists the user's VMs with state, power and address", async () => {
    signInAs(me);
    const sent = mockApi({
      "GET /api/v1/vms": {
        body: { items: [vm({}), vm({ id: "vm-2", name: "db-1", power_state: "stopped", ipv4: undefined })] },
      },
    });
    renderAt(<MyVMs userId={me.id} />);
    const card = (await screen.findByText("web-1")).closest("li") as HTMLElement;
    expect(within(card).getByText("10.20.0.15")).toBeTruthy();
    expect(within(card).getByText("running")).toBeTruthy();
    expect(new URLSearchParams(sent[0]?.search).get("owner")).toBe(me.id);

    const stopped = screen.getByText("db-1").closest("li") as HTMLElement;
    expect(within(stopped).getByRole("button", { name: "Stop db-1" })).toHaveProperty("disabled", true);
    expect(within(stopped).getByRole("button", { name: "Start db-1" })).toHaveProperty("disabled", false);
  });

  it("stops a VM only after the user confirms", async () => {
    signInAs(me);
    const sent = mockApi({
      "GET /api/v1/vms": { body: { items: [vm({})] } },
      "POST /api/v1/vms/vm-1/actions/stop": { status: 202, body: operation },
    });
    renderAt(<MyVMs userId={me.id} />);
    await userEvent.click(await screen.findByRole("button", { name: "Stop web-1" }));
    const dialog = screen.getByRole("dialog");
    expect(within(dialog).getByRole("heading").textContent).toContain("Stop web-1?");
    expect(document.activeElement).toBe(within(dialog).getByRole("button", { name: "Cancel" }));

    await userEvent.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(sent.some((r) => r.method === "POST")).toBe(false);

    await userEvent.click(screen.getByRole("button", { name: "Stop web-1" }));
    await userEvent.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Stop" }));
    expect(await screen.findByText(/stop of web-1 started/)).toBeTruthy();
    const post = sent.find((r) => r.method === "POST");
    expect(post?.path).toBe("/api/v1/vms/vm-1/actions/stop");
    expect(post?.headers.get("Idempotency-Key")).toBeTruthy();
    expect(screen.getByRole("link", { name: "Follow the operation" }).getAttribute("href")).toBe("/operations/op-1");
  });

  it("shows why an action was refused", async () => {
    signInAs(me);
    mockApi({
      "GET /api/v1/vms": { body: { items: [vm({})] } },
      "POST /api/v1/vms/vm-1/actions/reset": apiError(
        409,
        "conflict",
        "operation op-0 (vm.stop) is in progress for this VM",
      ),
    });
    renderAt(<MyVMs userId={me.id} />);
    await userEvent.click(await screen.findByRole("button", { name: "Reset web-1" }));
    await userEvent.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Reset" }));
    expect((await screen.findByRole("alert")).textContent).toContain("is in progress for this VM");
  });

  it("says when there is no VM, and when the list cannot be loaded", async () => {
    signInAs(me);
    mockApi({ "GET /api/v1/vms": { body: { items: [] } } });
    const first = renderAt(<MyVMs userId={me.id} />);
    expect(await screen.findByText(/You have no VMs yet/)).toBeTruthy();
    first.unmount();

    mockApi({ "GET /api/v1/vms": apiError(503, "unavailable", "PostgreSQL is unreachable") });
    renderAt(<MyVMs userId={me.id} />);
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Could not load your VMs");
    expect(alert.textContent).toContain("PostgreSQL is unreachable");
    expect(within(alert).getByRole("button", { name: "Try again" })).toBeTruthy();
  });
});
