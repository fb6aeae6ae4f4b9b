import { afterEach, describe, expect, it, vi } from "vitest";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { endSession } from "../../auth/session";
import { apiError, mockApi } from "../../test/api";
import { operationFixture, siteFixture } from "../../test/fixtures";
import { renderAt, signInAs } from "../../test/render";
import { ContainerCreateForm } from "./ContainerCreateForm";

const site = siteFixture();

const operation = operationFixture("container.create", "container", "c0000000-0000-4000-8000-000000000001");

afterEach(() => {
  endSession("signed_out");
  vi.unstubAllGlobals();
});

/** described is the text of what describes a control: its hint and its error. */
function described(el: HTMLElement): string {
  return (el.getAttribute("aria-describedby") ?? "")
    .split(" ")
    .map((id) => document.getElementById(id)?.textContent ?? "")
    .join(" ");
}

async function fillValid() {
  await userEvent.type(screen.getByLabelText("Host name"), "web");
  await userEvent.type(screen.getByLabelText("Source"), "docker.io/library/nginx:1.27");
  await userEvent.click(screen.getByRole("button", { name: "Add a service" }));
  await userEvent.type(screen.getByLabelText("Port in the container"), "80");
  await userEvent.type(screen.getByLabelText("Public host name"), "web.apps.example.org");
}

describe("ContainerCreateForm", () => {
  it("checks a field once the user leaves it, and as they correct it", async () => {
    signInAs();
    mockApi({ "GET /api/v1/sites": { body: { items: [site] } } });
    renderAt(<ContainerCreateForm />);
    const host = screen.getByLabelText("Host name");
    await userEvent.type(host, "Web");
    expect(host.getAttribute("aria-invalid")).toBeNull();
    await userEvent.tab();
    expect(host.getAttribute("aria-invalid")).toBe("true");
    expect(described(host)).toContain("must be a DNS label");

    await userEvent.clear(host);
    await userEvent.type(host, "web");
    expect(host.getAttribute("aria-invalid")).toBeNull();

    const source = screen.getByLabelText("Source");
    await userEvent.type(source, "nginx");
    await userEvent.tab();
    expect(described(source)).toContain("Read as an OCI image");
    expect(described(source)).toContain("with a tag or digest");
    await userEvent.clear(source);
    await userEvent.type(source, "local:vztmpl/debian.iso");
    expect(described(source)).toContain("must be a CT template volume");
    await userEvent.clear(source);
    await userEvent.type(source, "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst");
    expect(source.getAttribute("aria-invalid")).toBeNull();
    expect(described(source)).toContain("Read as a CT template volume");
  });

  it("sends nothing while a field is wrong, and moves focus to it", async () => {
    signInAs();
    const sent = mockApi({ "GET /api/v1/sites": { body: { items: [site] } } });
    renderAt(<ContainerCreateForm />);
    await fillValid();
    await userEvent.type(screen.getByLabelText("Cores"), "99");
    await userEvent.click(screen.getByRole("button", { name: "Create container" }));
    const cores = screen.getByLabelText("Cores");
    expect(document.activeElement).toBe(cores);
    expect(described(cores)).toContain("must be between 1 and 64");
    expect(sent.some((r) => r.method === "POST")).toBe(false);
  });

  it("shows the API's field errors on the fields they name", async () => {
    signInAs();
    mockApi({
      "GET /api/v1/sites": { body: { items: [site] } },
      "POST /api/v1/containers": apiError(409, "conflict", "the request conflicts", {
        "services[0].external_hostname": "web.apps.example.org is used by another container",
        hostname: "is taken on this site",
        "env.PORT": "the value must be at most 1024 printable characters",
      }),
    });
    renderAt(<ContainerCreateForm />);
    await fillValid();
    await userEvent.click(screen.getByRole("button", { name: "Add a variable" }));
    await userEvent.type(screen.getByLabelText("Variable 1 name"), "PORT");
    await userEvent.type(screen.getByLabelText("Variable 1 value"), "80");
    await userEvent.click(screen.getByRole("button", { name: "Create container" }));

    const external = await screen.findByText("web.apps.example.org is used by another container");
    expect(screen.getByLabelText("Public host name").getAttribute("aria-describedby")).toContain(external.id);
    expect(described(screen.getByLabelText("Host name"))).toContain("is taken on this site");
    expect(described(screen.getByLabelText("Variable 1 name"))).toContain("at most 1024 printable");
    // Every field error is on its field, so the alert holds only the message.
    const alert = screen.getByRole("alert");
    expect(alert.textContent).toContain("the request conflicts");
    expect(within(alert).queryByRole("list")).toBeNull();
  });

  it("creates the container with its services, variables and keys", async () => {
    signInAs();
    const sent = mockApi({
      "GET /api/v1/sites": { body: { items: [site] } },
      "POST /api/v1/containers": { status: 202, body: operation },
    });
    renderAt(<ContainerCreateForm />);
    await fillValid();
    await userEvent.selectOptions(screen.getByLabelText("Protocol"), "tcp");
    await userEvent.clear(screen.getByLabelText("Port in the container"));
    await userEvent.type(screen.getByLabelText("Port in the container"), "22");
    await userEvent.click(screen.getByRole("button", { name: "Add a variable" }));
    await userEvent.type(screen.getByLabelText("Variable 1 name"), "MODE");
    await userEvent.type(screen.getByLabelText("Variable 1 value"), "lab");
    await userEvent.type(screen.getByLabelText("Memory (MiB)"), "1024");
    await userEvent.click(screen.getByRole("button", { name: "Create container" }));

    expect(await screen.findByText(/Creation of web started/)).toBeTruthy();
    const post = sent.find((r) => r.method === "POST");
    expect(post?.headers.get("Idempotency-Key")).toBeTruthy();
    expect(post?.body).toEqual({
      hostname: "web",
      source: "docker.io/library/nginx:1.27",
      site_id: site.id,
      memory_mb: 1024,
      env: { MODE: "lab" },
      services: [{ protocol: "tcp", internal_port: 22 }],
    });
    expect(screen.getByRole("link", { name: "Open the new container" }).getAttribute("href")).toBe(
      `/containers/${operation.target_id}`,
    );
  });
});
