// The console's browser tests: each main flow clicked through in headless
// Chromium against a real stack (see stack.ts). The steps build on each
// other (the instructor's event needs the admin's users), so they run in
// order in one file. Each main screen is saved to e2e-results/ and checked
// with axe-core.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launch, screenshot, seriousViolations } from "./browser";
import { startStack, type Stack } from "./stack";

let stack: Stack;
let browser: Browser;
const shots: string[] = [];

const instructor = { username: "ines", password: "Ines-lab-instructor-2026" };
const participant = { username: "pat", password: "Pat-lab-participant-2026" };

beforeAll(async () => {
  stack = await startStack();
  browser = await launch();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (shots.length) console.log(`screenshots:\n${shots.join("\n")}`);
}, 60_000);

/** newPage opens a fresh browser context, so each user has their own session. */
async function newPage(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20_000);
  return page;
}

/** capture saves the screen and checks it has no serious accessibility violation. */
async function capture(page: Page, name: string) {
  shots.push(await screenshot(page, name));
  expect(await seriousViolations(page), `accessibility of ${name}`).toEqual([]);
}

async function signIn(page: Page, username: string, password: string) {
  await page.goto(stack.url + "/");
  await page.waitForURL("**/sign-in");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "My lab", exact: true }).waitFor();
}

/** platform opens a page of the administrator's "Platform" menu. */
async function platform(page: Page, name: string) {
  const main = page.getByRole("navigation", { name: "Main" });
  await main.getByText("Platform", { exact: true }).click();
  await main.getByRole("link", { name, exact: true }).click();
}

/** nav follows a link of the main navigation. */
function nav(page: Page, name: string) {
  return page.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true }).click();
}

/** listLoaded waits until a list page shows its table (by caption) or its empty state. */
async function listLoaded(page: Page, caption: string, empty: string) {
  await page
    .getByRole("table", { name: caption })
    .or(page.getByText(empty, { exact: true }))
    .waitFor();
}

/** followOperation opens the operation a form started and waits until it completes. */
async function followOperation(page: Page, timeout = 120_000) {
  await page.getByRole("link", { name: "Follow the operation" }).click();
  const state = page.locator(".page-head .badge");
  await expect.poll(() => state.textContent(), { timeout }).toMatch(/^(completed|failed|aborted|awaiting operator)$/);
  const error = await page
    .getByRole("alert")
    .textContent()
    .catch(() => "");
  expect(await state.textContent(), `the operation's error: ${error}`).toBe("completed");
}

describe("the console", () => {
  it("signs the administrator in, naming a wrong password", async () => {
    const page = await newPage();
    await page.goto(stack.url + "/operations");
    await page.waitForURL("**/sign-in");
    await page.getByLabel("Username").fill("admin");
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toMatch(/invalid username or password/);
    await capture(page, "01-sign-in");
    await page.getByLabel("Password").fill(stack.adminPassword);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Operations", exact: true }).waitFor();
    await page.context().close();
  });

  it("lets the administrator import the simulated cluster and create the accounts", async () => {
    const page = await newPage();
    await signIn(page, "admin", stack.adminPassword);
    await nav(page, "Nodes");
    const form = page.getByRole("form", { name: "Import a cluster" });
    await form.getByRole("button", { name: "Import" }).click();
    await form.getByText("must not be empty").first().waitFor();
    await form.getByLabel("Node name").fill("pve1");
    await form.getByLabel("Cluster").fill("lab");
    await form.getByLabel("API endpoint").fill(stack.pve.endpoint);
    await form.getByLabel("API token id").fill(stack.pve.tokenId);
    await form.getByLabel("API token secret").fill(stack.pve.tokenSecret);
    await form.getByLabel("TLS fingerprint (SHA-256)").fill(stack.pve.fingerprint);
    // The dev stack's own settings for the nodes, which the import updates.
    await form.getByLabel("Storages").fill("local-lvm");
    await form.getByLabel("Bridge").fill("vmbr1");
    await form.getByLabel("Clones at once").fill("3");
    await form.getByRole("button", { name: "Import" }).click();
    await followOperation(page);
    await nav(page, "Nodes");
    await page.getByRole("rowheader", { name: /pve2/ }).waitFor();
    await capture(page, "02-nodes");

    await nav(page, "Users");
    const create = page.getByRole("form", { name: "Create a user" });
    for (const [user, role] of [
      [instructor, "instructor"],
      [participant, "participant"],
    ] as const) {
      await create.getByLabel("Username").fill(user.username);
      await create.getByLabel("E-mail").fill(`${user.username}@example.org`);
      await create.getByLabel("Password").fill("short");
      await create.getByRole("button", { name: "Create user" }).click();
      // The API's reason shows on the password field.
      await expect.poll(() => create.getByLabel("Password").getAttribute("aria-invalid")).toBe("true");
      await create.getByLabel("Password").fill(user.password);
      if (role === "instructor") {
        await create.getByLabel("participant").uncheck();
        await create.getByLabel("instructor").check();
      }
      await create.getByRole("button", { name: "Create user" }).click();
      await page.getByText(`Created ${user.username}.`).waitFor();
    }
    await page.getByRole("rowheader", { name: participant.username }).waitFor();
    await capture(page, "03-users");

    await platform(page, "Templates");
    await page.getByRole("table", { name: "Templates by cluster and VMID" }).getByRole("row").nth(1).waitFor();
    await capture(page, "03-templates");
    await platform(page, "Sites");
    await page.getByRole("heading", { name: "lab", exact: true }).waitFor();
    await capture(page, "03-sites");
    await page.context().close();
  });

  it("lets the administrator create a group, preview an e-mail and read the logs, with their own actions audited", async () => {
    const page = await newPage();
    await signIn(page, "admin", stack.adminPassword);
    await platform(page, "Groups");
    const create = page.getByRole("form", { name: "Create a group" });
    await create.getByRole("button", { name: "Create group" }).click();
    await expect.poll(() => create.getByLabel("Name").getAttribute("aria-invalid")).toBe("true");
    await create.getByLabel("Name").fill("Linux class");
    await create.getByLabel("Description").fill("The Monday group");
    await create.getByRole("button", { name: "Create group" }).click();
    await page.getByText("Created Linux class.").waitFor();
    const add = page.getByRole("form", { name: "Add a member to Linux class" });
    await add.getByLabel("User").selectOption({ label: participant.username });
    await add.getByRole("button", { name: "Add member" }).click();
    await page.getByRole("list", { name: "Members of Linux class" }).getByText(participant.username).waitFor();
    await capture(page, "03-groups");

    await platform(page, "Roles");
    await page.getByRole("rowheader", { name: "instructor", exact: true }).waitFor();
    await capture(page, "03-roles");

    await platform(page, "E-mail templates");
    await page
      .getByRole("button", { name: /^Edit / })
      .first()
      .click();
    await page.getByRole("button", { name: "Preview", exact: true }).click();
    await page.getByRole("heading", { name: "Preview with sample data" }).waitFor();
    await page.locator('iframe[title^="Preview of "]').waitFor();
    await capture(page, "03-email-templates");

    await platform(page, "E-mail log");
    await listLoaded(page, "E-mails, newest first", "No e-mail matches these filters.");
    await capture(page, "03-email-log");

    await platform(page, "System events");
    await listLoaded(page, "System events, newest first", "No system event matches these filters.");
    await capture(page, "03-system-events");

    // The audit relay copies the records to the audit log shortly after the actions.
    await platform(page, "Audit log");
    await page.getByLabel("Action").fill("user.create");
    await page.waitForURL(/action=user\.create/);
    const created = page
      .getByRole("table", { name: "Audit records, newest first" })
      .getByRole("row")
      .filter({ hasText: "user.create" });
    await expect
      .poll(
        async () => {
          await page.reload();
          await listLoaded(page, "Audit records, newest first", "No audit record matches these filters.");
          return created.count();
        },
        { timeout: 60_000, interval: 2_000 },
      )
      .toBeGreaterThanOrEqual(2);
    await expect(created.first().getByRole("cell").nth(1).textContent()).resolves.toBe("admin");
    await capture(page, "03-audit-log");
    await page.context().close();
  });

  it("lets an instructor build an environment, run an event and watch its seats turn ready", async () => {
    const page = await newPage();
    await signIn(page, instructor.username, instructor.password);
    await nav(page, "Environments");
    const env = page.getByRole("form", { name: "New environment" });
    await env.getByLabel("Name", { exact: true }).fill("Linux basics");
    const template = env.getByLabel("Template", { exact: true });
    await expect.poll(() => template.locator("option").count(), { timeout: 60_000 }).toBeGreaterThan(1);
    await template.selectOption({ index: 1 });
    await env.getByLabel("Machine name").fill("web");
    await env.getByLabel("Connection", { exact: true }).selectOption("ssh");
    await env.getByLabel("Connection username").fill("student");
    await env.getByRole("button", { name: "Create environment" }).click();
    await page.getByText("Created Linux basics.").waitFor();
    await capture(page, "04-environments");

    await nav(page, "Events");
    const plan = page.getByRole("form", { name: "Plan an event" });
    await plan.getByLabel("Name", { exact: true }).fill("Linux lab 1");
    await plan.getByLabel("Short name").fill("lin1");
    await plan.getByLabel("Environment").selectOption({ label: "Linux basics" });
    const start = new Date(Date.now() + 2 * 3600_000);
    const local = new Date(start.getTime() - start.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await plan.getByLabel("Starts").fill(local);
    await plan.getByRole("button", { name: "Plan event" }).click();
    await page.getByRole("heading", { name: /Linux lab 1/ }).waitFor();

    // Instructors may not list the accounts, but they find a user by name.
    const add = page.getByRole("form", { name: "Add a participant" });
    await add.getByRole("combobox", { name: "User", exact: true }).fill(participant.username);
    await add.getByRole("option", { name: participant.username, exact: true }).click();
    await add.getByRole("button", { name: "Add" }).click();
    await page.getByText(`(${participant.username}, participant)`).waitFor();
    await page.getByRole("button", { name: "Deploy now" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Deploy now" }).click();
    const grid = page.getByRole("table", { name: "Seats: participants by machine" });
    await grid.getByRole("cell").getByText("ready", { exact: true }).waitFor({ timeout: 180_000 });
    await capture(page, "05-event");
    await page.context().close();
  });

  it("lets the participant see their VM and stop it", async () => {
    const page = await newPage();
    await signIn(page, participant.username, participant.password);
    const vms = page.getByRole("list", { name: "VMs" });
    const card = vms.getByRole("listitem").first();
    await card.getByText("running", { exact: true }).waitFor({ timeout: 60_000 });
    const event = page.getByRole("list", { name: "Events" }).getByRole("listitem").filter({ hasText: "Linux lab 1" });
    await event
      .getByRole("link", { name: /in Guacamole/ })
      .first()
      .waitFor({ timeout: 60_000 });
    await capture(page, "06-home");
    await card.getByRole("button", { name: /^Stop / }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Stop" }).click();
    await page.getByText(/stop of .* started/).waitFor();
    await card.getByText("stopped", { exact: true }).waitFor({ timeout: 60_000 });
    await page.context().close();
  });

  it("lets the participant create a container with an HTTP service and see its URL", async () => {
    const page = await newPage();
    await signIn(page, participant.username, participant.password);
    await page.getByRole("link", { name: "New container" }).click();
    const form = page.getByRole("form", { name: "New container" });
    await form.getByLabel("Host name").fill("Web!");
    await form.getByLabel("Host name").blur();
    await form.getByText(/must be a DNS label/).waitFor();
    await form.getByLabel("Host name").fill("web");
    await form.getByLabel("Source").fill("local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst");
    await form.getByRole("button", { name: "Add a service" }).click();
    const service = form.getByRole("group", { name: "Service 1" });
    await service.getByLabel("Port in the container").fill("8080");
    await service.getByLabel("Public host name").fill("web.apps.localhost");
    await capture(page, "07-container-new");
    await form.getByRole("button", { name: "Create container" }).click();
    await followOperation(page);
    await nav(page, "My lab");
    const card = page.getByRole("list", { name: "Containers" }).getByRole("listitem").filter({ hasText: "web" });
    await card.getByRole("link", { name: "https://web.apps.localhost/" }).waitFor();
    await card.getByText("running", { exact: true }).waitFor();

    await card.getByRole("link", { name: "web", exact: true }).click();
    await page.getByRole("heading", { name: "web", exact: true }).waitFor();
    const services = page.getByRole("form", { name: "Services" });
    await expect
      .poll(() => services.getByRole("group", { name: "Service 1" }).getByLabel("Public host name").inputValue())
      .toBe("web.apps.localhost");
    await page.getByText("Only the owner operates this container.").waitFor();
    await capture(page, "07-container-detail");
    await page.context().close();
  });

  it("shows the administrator the operations with their workflows", async () => {
    const page = await newPage();
    await signIn(page, "admin", stack.adminPassword);
    await nav(page, "Operations");
    const table = page.getByRole("table");
    await table.getByRole("link", { name: "vm.stop" }).first().waitFor();
    await page.getByLabel("State").selectOption("completed");
    await table.getByRole("link", { name: "node.import" }).first().waitFor();
    await capture(page, "08-operations");
    await page.context().close();
  });

  it("puts an operation stopped by unreachable nodes on top of the operations, and an operator's retry completes it", async () => {
    await stack.setNodesDown(["pve1", "pve2"], true);
    const pat = await newPage();
    await signIn(pat, participant.username, participant.password);
    const card = pat.getByRole("list", { name: "VMs" }).getByRole("listitem").first();
    await card.getByRole("button", { name: /^Start / }).click();
    await pat.getByRole("dialog").getByRole("button", { name: "Start" }).click();
    await pat.getByText(/start of .* started/).waitFor();

    const admin = await newPage();
    await signIn(admin, "admin", stack.adminPassword);
    await nav(admin, "Operations");
    const awaiting = admin
      .getByRole("list", { name: "Operations awaiting an operator" })
      .getByRole("listitem")
      .filter({ has: admin.getByRole("link", { name: "vm.start" }) });
    await awaiting.waitFor({ timeout: 90_000 });
    await capture(admin, "09-operations-awaiting");

    await stack.setNodesDown(["pve1", "pve2"], false);
    await awaiting.getByLabel(/Reason/).fill("the nodes are back");
    await awaiting.getByRole("button", { name: /^Retry vm\.start/ }).click();
    await admin.getByRole("dialog").getByRole("button", { name: "Retry" }).click();
    await admin.getByRole("table").getByRole("link", { name: "vm.start" }).first().click();
    await admin.getByRole("heading", { name: "vm.start" }).waitFor();
    await admin.getByText("completed", { exact: true }).waitFor({ timeout: 90_000 });
    // The operation's steps show the retried one, and its workflow links into the Temporal Web UI.
    const steps = admin.getByRole("list", { name: "Steps of the operation" });
    await steps.getByRole("listitem").filter({ hasText: "2 attempts" }).waitFor();
    const workflow = admin.getByRole("link", { name: /opens the Temporal Web UI/ });
    expect(await workflow.getAttribute("href")).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/namespaces\/[^/]+\/workflows\/vm%2F/,
    );
    await capture(admin, "10-operation-steps");
    await card.getByText("running", { exact: true }).waitFor({ timeout: 60_000 });
    await admin.context().close();
    await pat.context().close();
  });
});
