import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, RouterProvider } from "react-router";
import { ConsoleNav } from "./ConsoleNav";

function renderNav(admin: boolean, path = "/") {
  const router = createMemoryRouter(
    [
      {
        path: "*",
        element: (
          <ul>
            <ConsoleNav admin={admin} />
          </ul>
        ),
      },
    ],
    { initialEntries: [path] },
  );
  render(<RouterProvider router={router} />);
  return router;
}

describe("ConsoleNav", () => {
  it("shows participants the containers only", () => {
    renderNav(false);
    expect(screen.getByRole("link", { name: "Containers" })).toBeTruthy();
    expect(screen.queryByText("Platform")).toBeNull();
  });

  it("opens the platform's pages and closes on Escape or once one is chosen", async () => {
    const router = renderNav(true);
    const summary = screen.getByText("Platform");
    const details = summary.closest("details") as HTMLDetailsElement;
    // Browsers open a summary on Enter as on a click; jsdom only on a click.
    await userEvent.click(summary);
    expect(details.open).toBe(true);
    await userEvent.keyboard("{Escape}");
    expect(details.open).toBe(false);
    expect(document.activeElement).toBe(summary);

    await userEvent.click(summary);
    await userEvent.click(screen.getByRole("link", { name: "Audit log" }));
    expect(router.state.location.pathname).toBe("/admin/audit");
    expect(details.open).toBe(false);
    expect(summary.getAttribute("data-current")).toBe("true");
  });
});
