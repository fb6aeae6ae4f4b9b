import { afterEach, describe, expect, it, vi } from "vitest";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { endSession } from "../../../auth/session";
import { apiError, mockApi } from "../../../test/api";
import { renderAt, signInAs, testUser } from "../../../test/render";
import { EmailTemplates } from "./EmailTemplates";

const template = {
  key: "event.deployed",
  about: "To each participant when their lab is ready.",
  subject: "Your lab for {{.Event.Name}} is ready",
  body: "<p>Hello {{.Recipient.Name}}</p>",
  customized: false,
  fields: [".Event.Name", ".Recipient.Name"],
};

afterEach(() => {
  endSession("signed_out");
  vi.unstubAllGlobals();
});

describe("EmailTemplates", () => {
  it("previews the unsaved text in a sandboxed frame and shows a bad placeholder on its field", async () => {
    signInAs(testUser(["admin"]));
    const sent = mockApi({
      "GET /api/v1/email-templates": { body: { items: [template] } },
      "POST /api/v1/email-templates/event.deployed/preview": (req) =>
        (req.body as { body: string }).body.includes(".Nope")
          ? apiError(400, "invalid", "the template is invalid", { body: "uses .Nope, which event.deployed lacks" })
          : { body: { subject: "Your lab for Networks 101 is ready", html: "<p>Hello Ada</p>" } },
    });
    renderAt(<EmailTemplates />);
    await userEvent.click(await screen.findByRole("button", { name: "Edit event.deployed" }));
    expect(screen.getByText("{{.Recipient.Name}}")).toBeTruthy();

    await userEvent.click(screen.getByRole("button", { name: "Preview" }));
    expect(await screen.findByText("Your lab for Networks 101 is ready")).toBeTruthy();
    const frame = screen.getByTitle("Preview of event.deployed");
    expect(frame.getAttribute("sandbox")).toBe("");
    expect(frame.getAttribute("srcdoc")).toBe("<p>Hello Ada</p>");

    const body = screen.getByLabelText("Body (HTML)");
    await userEvent.type(body, "{{{{.Nope}}");
    await userEvent.click(screen.getByRole("button", { name: "Preview" }));
    const msg = await screen.findByText("uses .Nope, which event.deployed lacks");
    expect(body.getAttribute("aria-invalid")).toBe("true");
    expect(body.getAttribute("aria-describedby")).toContain(msg.id);
    expect(sent.filter((r) => r.method === "PUT")).toHaveLength(0);
  });

  it("saves the template", async () => {
    signInAs(testUser(["admin"]));
    const sent = mockApi({
      "GET /api/v1/email-templates": { body: { items: [template] } },
      "PUT /api/v1/email-templates/event.deployed": { body: { ...template, subject: "Ready", customized: true } },
    });
    renderAt(<EmailTemplates />);
    await userEvent.click(await screen.findByRole("button", { name: "Edit event.deployed" }));
    const subject = screen.getByLabelText("Subject");
    await userEvent.clear(subject);
    await userEvent.type(subject, "Ready");
    await userEvent.click(screen.getByRole("button", { name: "Save template" }));
    expect(await screen.findByText("Saved event.deployed.")).toBeTruthy();
    expect(sent.find((r) => r.method === "PUT")?.body).toEqual({ subject: "Ready", body: template.body });
  });
});
