import { afterEach, describe, expect, it, vi } from "vitest";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { endSession } from "../../../auth/session";
import { apiError, mockApi } from "../../../test/api";
import { renderAt, signInAs, testUser } from "../../../test/render";
import { Roles } from "./Roles";

const roles = [
  { name: "admin", description: "Everything", builtin: true, permissions: [{ object_type: "*", key: "full" }] },
  {
    name: "lab-assistant",
    description: "Helps in labs",
    builtin: false,
    permissions: [{ object_type: "vm", key: "vm.start" }],
  },
];

afterEach(() => {
  endSession("signed_out");
  vi.unstubAllGlobals();
});

describe("Roles", () => {
  it("lists seeded and custom roles with their permissions; only custom ones can be deleted", async () => {
    signInAs(testUser(["admin"]));
    mockApi({ "GET /api/v1/roles": { body: { items: roles } } });
    renderAt(<Roles />);
    const admin = (await screen.findByRole("rowheader", { name: "admin" })).closest("tr") as HTMLElement;
    expect(within(admin).getByText("full on every type")).toBeTruthy();
    expect(within(admin).getByText("built-in")).toBeTruthy();
    expect(within(admin).queryByRole("button")).toBeNull();
    expect(screen.getByRole("button", { name: "Delete lab-assistant" })).toBeTruthy();
  });

  it("checks the name as it is typed and shows the API's errors on the permission they name", async () => {
    signInAs(testUser(["admin"]));
    const sent = mockApi({
      "GET /api/v1/roles": { body: { items: roles } },
      "POST /api/v1/roles": apiError(400, "invalid", "the request is invalid", {
        "permissions[1].key": "must be read, update, delete, full, create or an action key such as vm.start",
      }),
    });
    renderAt(<Roles />);
    const name = screen.getByLabelText("Name");
    await userEvent.type(name, "Lab Helper");
    await userEvent.tab();
    expect(name.getAttribute("aria-invalid")).toBe("true");
    await userEvent.click(screen.getByRole("button", { name: "Create role" }));
    expect(sent.some((r) => r.method === "POST")).toBe(false);
    expect(document.activeElement).toBe(name);

    await userEvent.clear(name);
    await userEvent.type(name, "lab-helper");
    await userEvent.click(screen.getByRole("button", { name: "Add a permission" }));
    await userEvent.selectOptions(screen.getByLabelText("Permission 2 object type"), "container");
    await userEvent.selectOptions(screen.getByLabelText("Permission 2 key"), "container.restart");
    await userEvent.click(screen.getByRole("button", { name: "Create role" }));

    const msg = await screen.findByText(/must be read, update, delete/);
    expect(screen.getByLabelText("Permission 2 key").getAttribute("aria-describedby")).toContain(msg.id);
    expect(sent.find((r) => r.method === "POST")?.body).toEqual({
      name: "lab-helper",
      description: "",
      permissions: [
        { object_type: "vm", key: "read" },
        { object_type: "container", key: "container.restart" },
      ],
    });
  });
});
