import { afterEach, describe, expect, it, vi } from "vitest";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { endSession } from "../../auth/session";
import { apiError, mockApi } from "../../test/api";
import { renderAt, signInAs } from "../../test/render";
import { ContainerCreate, parseEnv } from "./ContainerCreate";

afterEach(() => {
  endSession("signed_out");
  vi.unstubAllGlobals();
});

const site = { id: "site-1", name: "lab" };

describe("ContainerCreate", () => {
  it("checks the host name as it is typed and puts the API's service errors on the service's field", async () => {
    signInAs();
    const sent = mockApi({
      "GET /api/v1/sites": { body: { items: [site] } },
      "GET /api/v1/external-domains": { body: { items: [{ name: "apps.localhost", site_id: "site-1" }] } },
      "POST /api/v1/containers": apiError(400, "invalid", "the request has invalid fields", {
        "services[0].external_hostname": "must be under one of the site's external domains (apps.localhost)",
      }),
    });
    renderAt(<ContainerCreate />);
    const hostname = screen.getByLabelText("Host name");
    await userEvent.type(hostname, "Web");
    expect(hostname.getAttribute("aria-invalid")).toBe("true");
    await userEvent.clear(hostname);
    await userEvent.type(hostname, "web");
    expect(hostname.getAttribute("aria-invalid")).toBeNull();

    await userEvent.type(screen.getByLabelText("Source"), "docker.io/library/nginx:1.27");
    await userEvent.type(screen.getByLabelText("Environment"), "GREETING=hello");
    await userEvent.click(screen.getByRole("button", { name: "Add a service" }));
    const service = screen.getByRole("group", { name: "Service 1" });
    await userEvent.type(within(service).getByLabelText("Port in the container"), "80");
    expect(await within(service).findByText("Under apps.localhost.")).toBeTruthy();
    await userEvent.type(within(service).getByLabelText("Public host name"), "web.example.org");
    await userEvent.click(screen.getByRole("button", { name: "Create container" }));

    const msg = await within(service).findByText(/must be under one of the site's external domains/);
    expect(within(service).getByLabelText("Public host name").getAttribute("aria-describedby")).toContain(msg.id);
    expect(sent.find((r) => r.method === "POST")?.body).toEqual({
      hostname: "web",
      source: "docker.io/library/nginx:1.27",
      site_id: "site-1",
      env: { GREETING: "hello" },
      services: [{ protocol: "http", internal_port: 80, external_hostname: "web.example.org" }],
    });
  });
});

describe("parseEnv", () => {
  it("reads NAME=value lines and names the first line that is not one", () => {
    expect(parseEnv("A=1\n\nB=x=y\n")).toEqual({ env: { A: "1", B: "x=y" } });
    expect(parseEnv("A=1\noops").problem).toBe("line 2 is not NAME=value");
  });
});
