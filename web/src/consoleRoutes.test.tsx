import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, render, screen } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createMemoryRouter, RouterProvider } from "react-router";
import { endSession } from "./auth/session";
import { containerAndAdminRoutes } from "./consoleRoutes";
import { mockApi } from "./test/api";
import { signInAs, testUser } from "./test/render";

function renderAt(path: string) {
  const router = createMemoryRouter(containerAndAdminRoutes, { initialEntries: [path] });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
}

afterEach(() => {
  cleanup();
  endSession("signed_out");
  vi.unstubAllGlobals();
});

describe("containerAndAdminRoutes", () => {
  it("shows the platform's pages to administrators", async () => {
    signInAs(testUser(["admin"]));
    mockApi({ "GET /api/v1/roles": { body: { items: [] } } });
    renderAt("/admin/roles");
    expect(await screen.findByRole("heading", { level: 1, name: "Roles" })).toBeTruthy();
  });

  it("keeps the platform's pages from other users", async () => {
    signInAs(testUser(["instructor"]));
    mockApi({});
    renderAt("/admin/audit");
    expect((await screen.findByRole("alert")).textContent).toContain("for users with the admin role");
  });

  it("opens the containers to every signed-in user", async () => {
    signInAs(testUser());
    mockApi({ "GET /api/v1/containers": { body: { items: [] } }, "GET /api/v1/sites": { body: { items: [] } } });
    renderAt("/containers");
    expect(await screen.findByText(/You have no containers yet/)).toBeTruthy();
  });
});
