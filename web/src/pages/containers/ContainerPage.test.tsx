import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { endSession } from "../../auth/session";
import type { Container } from "../../api/types";
import { apiError, mockApi } from "../../test/api";
import { operationFixture } from "../../test/fixtures";
import { renderAt, signInAs, testUser } from "../../test/render";
import { ContainerPage } from "./ContainerPage";

const me = testUser();
const id = "c0000000-0000-4000-8000-000000000001";
const pat = "6a1c1d9e-0000-4000-8000-000000000002";

function container(over: Partial<Container> = {}): Container {
  return {
    id,
    hostname: "web",
    owner_id: me.id,
    site_id: "s-1",
    status: "running",
    ipv4: "10.20.0.100",
    mac: "BC:24:11:00:00:01",
    dns_name: "web.lab.example.org",
    node: "pve1",
    vmid: 9001,
    source: "docker.io/library/nginx:1.27",
    resources: { cores: 1, memory_mb: 512, swap_mb: 512, disk_gb: 8 },
    env: {},
    ssh_keys: [],
    services: [
      {
        id: "svc-1",
        protocol: "http",
        internal_port: 80,
        external_port: null,
        external_hostname: "web.apps.example.org",
        backend: "http",
        auth_required: false,
        public_address: "https://web.apps.example.org/",
      },
      {
        id: "svc-2",
        protocol: "tcp",
        internal_port: 22,
        external_port: 2001,
        auth_required: false,
        public_address: "192.0.2.10:2001",
      },
    ],
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    ...over,
  };
}

const operation = operationFixture("container.delete", "container", id);

const base = {
  [`GET /api/v1/containers/${id}`]: { body: container() },
  [`GET /api/v1/containers/${id}/collaborators`]: {
    body: { items: [{ user_id: pat, username: "pat2", added_at: "2026-01-02T00:00:00Z" }] },
  },
  "GET /api/v1/users": apiError(403, "forbidden", "you may not list users"),
};

function renderPage() {
  return renderAt(<ContainerPage />, { path: `/containers/${id}`, route: "/containers/:id" });
}

afterEach(() => {
  // Unmount first: the page follows the session, and ending it would re-render it outside act.
  cleanup();
  endSession("signed_out");
  vi.unstubAllGlobals();
});

describe("ContainerPage", () => {
  it("shows the container's address, name, node and public addresses", async () => {
    signInAs(me);
    mockApi(base);
    renderPage();
    expect(await screen.findByRole("heading", { level: 1, name: "web" })).toBeTruthy();
    expect(screen.getByText("10.20.0.100")).toBeTruthy();
    expect(screen.getByText("web.lab.example.org")).toBeTruthy();
    expect(screen.getByText("pve1 (VMID 9001)")).toBeTruthy();
    expect(screen.getByRole("link", { name: "https://web.apps.example.org/" })).toBeTruthy();
    expect(screen.getByText("192.0.2.10:2001")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Start web" })).toHaveProperty("disabled", true);
    expect(screen.getByRole("button", { name: "Stop web" })).toHaveProperty("disabled", false);
    expect(await screen.findByRole("rowheader", { name: "pat2" })).toBeTruthy();
  });

  it("deletes the container only after the user confirms", async () => {
    signInAs(me);
    const sent = mockApi({ ...base, [`DELETE /api/v1/containers/${id}`]: { status: 202, body: operation } });
    renderPage();
    await userEvent.click(await screen.findByRole("button", { name: "Delete web" }));
    const dialog = screen.getByRole("dialog");
    expect(within(dialog).getByRole("heading").textContent).toContain("cannot be undone");
    await userEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(sent.some((r) => r.method === "DELETE")).toBe(false);

    await userEvent.click(screen.getByRole("button", { name: "Delete web" }));
    await userEvent.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Delete" }));
    expect(await screen.findByText(/delete of web started/)).toBeTruthy();
    expect(sent.find((r) => r.method === "DELETE")?.headers.get("Idempotency-Key")).toBeTruthy();
  });

  it("replaces the services and shows the API's error on the service's field", async () => {
    signInAs(me);
    const sent = mockApi({
      ...base,
      [`PATCH /api/v1/containers/${id}`]: apiError(409, "conflict", "the request conflicts", {
        "services[2].external_port": "port 2002 is used by another container",
      }),
    });
    renderPage();
    expect(await screen.findByRole("heading", { name: "Resources and services" })).toBeTruthy();
    const save = screen.getByRole("button", { name: "Save changes" });
    expect(save).toHaveProperty("disabled", true);

    await userEvent.click(screen.getByRole("button", { name: "Add a service" }));
    const third = screen.getByRole("group", { name: "Service 3" });
    await userEvent.selectOptions(within(third).getByLabelText("Protocol"), "udp");
    await userEvent.type(within(third).getByLabelText("Port in the container"), "53");
    await userEvent.type(within(third).getByLabelText("Public port"), "2002");
    await userEvent.click(save);

    const msg = await screen.findByText("port 2002 is used by another container");
    expect(within(third).getByLabelText("Public port").getAttribute("aria-describedby")).toContain(msg.id);
    expect(sent.find((r) => r.method === "PATCH")?.body).toEqual({
      services: [
        { protocol: "http", internal_port: 80, external_hostname: "web.apps.example.org", backend: "http" },
        { protocol: "tcp", internal_port: 22, external_port: 2001 },
        { protocol: "udp", internal_port: 53, external_port: 2002 },
      ],
    });
  });

  it("lists, adds and removes collaborators", async () => {
    signInAs(me);
    const other = "6a1c1d9e-0000-4000-8000-000000000003";
    const sent = mockApi({
      ...base,
      [`POST /api/v1/containers/${id}/collaborators`]: (req) =>
        (req.body as { user_id: string }).user_id === other
          ? { status: 201, body: { user_id: other, username: "sam", added_at: "2026-01-03T00:00:00Z" } }
          : apiError(400, "invalid", "the request is invalid", { user_id: "names no user" }),
      [`DELETE /api/v1/containers/${id}/collaborators/${pat}`]: { status: 204 },
    });
    renderPage();
    expect(await screen.findByRole("rowheader", { name: "pat2" })).toBeTruthy();

    // Without the right to list users, a collaborator is named by user id.
    const field = await screen.findByLabelText("User id");
    await userEvent.type(field, "nobody");
    await userEvent.click(screen.getByRole("button", { name: "Add collaborator" }));
    expect(described(field)).toContain("must be a user id");
    await userEvent.clear(field);
    await userEvent.type(field, "6a1c1d9e-0000-4000-8000-0000000000ff");
    await userEvent.click(screen.getByRole("button", { name: "Add collaborator" }));
    expect(await screen.findByText("names no user")).toBeTruthy();
    await userEvent.clear(field);
    await userEvent.type(field, other);
    await userEvent.click(screen.getByRole("button", { name: "Add collaborator" }));
    await vi.waitFor(() => expect((field as HTMLInputElement).value).toBe(""));

    await userEvent.click(screen.getByRole("button", { name: "Remove pat2" }));
    await userEvent.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Remove" }));
    await vi.waitFor(() => expect(sent.some((r) => r.method === "DELETE")).toBe(true));
  });

  it("hides collaborators from a collaborator, and says when the container cannot be loaded", async () => {
    signInAs(me);
    mockApi({ ...base, [`GET /api/v1/containers/${id}`]: { body: container({ owner_id: pat }) } });
    const first = renderPage();
    expect(await screen.findByRole("heading", { level: 1, name: "web" })).toBeTruthy();
    expect(screen.queryByRole("heading", { name: "Collaborators" })).toBeNull();
    first.unmount();

    mockApi({ [`GET /api/v1/containers/${id}`]: apiError(404, "not_found", "container not found") });
    renderPage();
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Could not load the container");
    expect(alert.textContent).toContain("container not found");
  });
});

function described(el: HTMLElement): string {
  return (el.getAttribute("aria-describedby") ?? "")
    .split(" ")
    .map((i) => document.getElementById(i)?.textContent ?? "")
    .join(" ");
}
