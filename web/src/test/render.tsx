import type { ReactNode } from "react";
import { render } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createMemoryRouter, RouterProvider } from "react-router";
import { startSession, type SessionAnswer } from "../auth/session";
import type { User } from "../api/types";

/** testUser is a signed-in participant unless roles say otherwise. */
export function testUser(roles: string[] = ["participant"]): User {
  return {
    id: "6a1c1d9e-0000-4000-8000-000000000001",
    username: "pat",
    email: "pat@example.org",
    display_name: "Pat Participant",
    source: "local",
    roles,
    disabled: false,
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
  };
}

/** sessionAnswer is the API's description of a session of user, with csrf, that lasts an hour. */
export function sessionAnswer(csrf: string, user: User = testUser()): SessionAnswer {
  return {
    csrf_token: csrf,
    method: "local",
    expires_at: new Date(Date.now() + 3600_000).toISOString(),
    user,
  };
}

/** loginAnswer is the API's answer to a successful console sign-in as user, with csrf. */
export function loginAnswer(csrf: string, user: User = testUser()) {
  return { body: { ...sessionAnswer(csrf, user), created_at: new Date().toISOString(), idle_timeout_seconds: 7200 } };
}

/** signInAs starts a session for user that lasts an hour. */
export function signInAs(user: User = testUser()) {
  return startSession(sessionAnswer("csrf-" + user.username, user));
}

/**
 * renderAt renders ui at path inside a router and a fresh query cache
 * that does not retry, so errors show at once. Other paths render their
 * path, so a test can see where the console navigated.
 */
export function renderAt(ui: ReactNode, { path = "/", route = "/" }: { path?: string; route?: string } = {}) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  const router = createMemoryRouter(
    [
      { path: route, element: ui },
      { path: "*", element: <p data-testid="elsewhere">elsewhere</p> },
    ],
    { initialEntries: [path] },
  );
  return {
    router,
    ...render(
      <QueryClientProvider client={client}>
        <RouterProvider router={router} />
      </QueryClientProvider>,
    ),
  };
}
