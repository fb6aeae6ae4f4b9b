import { afterEach, describe, expect, it, vi } from "vitest";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { endSession } from "../../../auth/session";
import { apiError, mockApi } from "../../../test/api";
import { operationFixture, siteFixture } from "../../../test/fixtures";
import { renderAt, signInAs, testUser } from "../../../test/render";
import { Sites } from "./Sites";

const site = siteFixture({
  dns_forwarders: ["9.9.9.9"],
  gateway: {
    applied_at: "2026-01-02T10:00:00Z",
    hash: "0123456789abcdef",
    status: "failed",
    error: "nginx: [emerg] unknown directive",
  },
});
const siteId = site.id;
const domain = {
  id: "d-1",
  name: "apps.example.org",
  cert_path: "/etc/ssl/lab/fullchain.pem",
  key_path: "/etc/ssl/lab/privkey.pem",
  site_id: siteId,
  created_at: "2026-01-01T00:00:00Z",
};
const operation = operationFixture("site.gateway.apply", "site", siteId);

afterEach(() => {
  endSession("signed_out");
  vi.unstubAllGlobals();
});

describe("Sites", () => {
  it("shows the gateway's failed apply and applies again on request", async () => {
    signInAs(testUser(["admin"]));
    const sent = mockApi({
      "GET /api/v1/sites": { body: { items: [site] } },
      "GET /api/v1/external-domains": { body: { items: [domain] } },
      [`POST /api/v1/sites/${siteId}/gateway/apply`]: { status: 202, body: operation },
    });
    renderAt(<Sites />);
    const card = (await screen.findByRole("region", { name: "campus" })) as HTMLElement;
    expect(within(card).getByText("nginx: [emerg] unknown directive")).toBeTruthy();
    expect(within(card).getByText("failed")).toBeTruthy();
    expect(await within(card).findByRole("rowheader", { name: "apps.example.org" })).toBeTruthy();
    expect(new URLSearchParams(sent.find((r) => r.path === "/api/v1/external-domains")?.search).get("site")).toBe(
      siteId,
    );

    await userEvent.click(within(card).getByRole("button", { name: "Apply now: the gateway of campus" }));
    expect(await within(card).findByText(/Gateway apply of campus started/)).toBeTruthy();
    expect(sent.find((r) => r.method === "POST")?.headers.get("Idempotency-Key")).toBeTruthy();
  });

  it("checks a new external domain's fields and shows the API's error on the field it names", async () => {
    signInAs(testUser(["admin"]));
    const sent = mockApi({
      "GET /api/v1/sites": { body: { items: [{ ...site, gateway: null }] } },
      "GET /api/v1/external-domains": { body: { items: [] } },
      "POST /api/v1/external-domains": apiError(409, "conflict", "the request conflicts", { name: "is taken" }),
    });
    renderAt(<Sites />);
    expect(await screen.findByText("Never applied")).toBeTruthy();
    expect(await screen.findByText(/No external domain/)).toBeTruthy();
    const name = screen.getByLabelText("Domain");
    await userEvent.type(name, "Apps.Example.org");
    await userEvent.type(screen.getByLabelText("Certificate path"), "etc/ssl/cert.pem");
    await userEvent.click(screen.getByRole("button", { name: "Add domain to campus" }));
    expect(document.activeElement).toBe(name);
    expect(screen.getByLabelText("Certificate path").getAttribute("aria-invalid")).toBe("true");
    expect(sent.some((r) => r.method === "POST")).toBe(false);

    await userEvent.clear(name);
    await userEvent.type(name, "apps.example.org");
    await userEvent.clear(screen.getByLabelText("Certificate path"));
    await userEvent.type(screen.getByLabelText("Certificate path"), "/etc/ssl/cert.pem");
    await userEvent.type(screen.getByLabelText("Key path"), "/etc/ssl/key.pem");
    await userEvent.click(screen.getByRole("button", { name: "Add domain to campus" }));
    const msg = await screen.findByText("is taken");
    expect(name.getAttribute("aria-describedby")).toContain(msg.id);
    expect(sent.find((r) => r.method === "POST")?.body).toEqual({
      name: "apps.example.org",
      cert_path: "/etc/ssl/cert.pem",
      key_path: "/etc/ssl/key.pem",
      site_id: siteId,
    });
  });

  it("registers a site, with the API's error on the field it names", async () => {
    signInAs(testUser(["admin"]));
    const sent = mockApi({
      "GET /api/v1/sites": { body: { items: [] } },
      "POST /api/v1/sites": apiError(409, "conflict", "the request conflicts", { name: "is taken" }),
    });
    renderAt(<Sites />);
    expect(await screen.findByText(/No site is registered yet/)).toBeTruthy();
    const values: [string, string][] = [
      ["Name", "campus"],
      ["Network (CIDR)", "10.20.0.0/24"],
      ["Gateway address", "10.20.0.1"],
      ["DHCP range start", "10.20.0.100"],
      ["DHCP range end", "10.20.0.199"],
      ["Internal domain", "lab.example.org"],
      ["External address", "192.0.2.10"],
    ];
    for (const [label, value] of values) await userEvent.type(screen.getByLabelText(label), value);
    await userEvent.type(screen.getByLabelText("DNS forwarders"), "9.9.9.9 1.1.1.1");
    await userEvent.click(screen.getByRole("button", { name: "Register site" }));
    const msg = await screen.findByText("is taken");
    expect(screen.getByLabelText("Name").getAttribute("aria-describedby")).toContain(msg.id);
    expect(sent.find((r) => r.method === "POST")?.body).toEqual({
      name: "campus",
      cidr: "10.20.0.0/24",
      gateway_ip: "10.20.0.1",
      dhcp_start: "10.20.0.100",
      dhcp_end: "10.20.0.199",
      internal_domain: "lab.example.org",
      dns_forwarders: ["9.9.9.9", "1.1.1.1"],
      external_ip: "192.0.2.10",
    });
  });
});
