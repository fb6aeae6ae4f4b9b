import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createBrowserRouter, RouterProvider, type RouteObject } from "react-router";
import { ApiError } from "./api/errors";
import { RequireAuth, RequireRole } from "./auth/RequireAuth";
import { subscribe, getSession } from "./auth/session";
import { Layout } from "./components/Layout";
import { containerAndAdminRoutes } from "./consoleRoutes";
import { Nodes } from "./pages/admin/Nodes";
import { Users } from "./pages/admin/Users";
import { Environments } from "./pages/environments/Environments";
import { EventPage } from "./pages/events/EventPage";
import { Events } from "./pages/events/Events";
import { Home } from "./pages/home/Home";
import { NotFound } from "./pages/NotFound";
import { OperationDetail } from "./pages/operations/OperationDetail";
import { Operations } from "./pages/operations/Operations";
import { SignIn } from "./pages/SignIn";

/** newQueryClient retries only what may succeed on a second try. */
export function newQueryClient(): QueryClient {
  const qc = new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 2000,
        retry: (count, err) =>
          count < 2 && (!(err instanceof ApiError) || err.code === "network" || err.code === "unavailable"),
      },
    },
  });
  // What one user saw must not show to the next one signing in here.
  subscribe(() => {
    if (!getSession()) qc.clear();
  });
  return qc;
}

/** routes are the console's pages; every page but sign-in needs a session. */
export const routes: RouteObject[] = [
  { path: "/sign-in", element: <SignIn /> },
  {
    element: (
      <RequireAuth>
        <Layout />
      </RequireAuth>
    ),
    children: [
      { index: true, element: <Home /> },
      { path: "operations", element: <Operations /> },
      {
        path: "environments",
        element: (
          <RequireRole role={["instructor", "admin"]}>
            <Environments />
          </RequireRole>
        ),
      },
      {
        path: "events",
        element: (
          <RequireRole role={["instructor", "admin"]}>
            <Events />
          </RequireRole>
        ),
      },
      { path: "events/:id", element: <EventPage /> },
      { path: "operations/:id", element: <OperationDetail /> },
      {
        path: "admin/nodes",
        element: (
          <RequireRole role={["admin"]}>
            <Nodes />
          </RequireRole>
        ),
      },
      {
        path: "admin/users",
        element: (
          <RequireRole role={["admin"]}>
            <Users />
          </RequireRole>
        ),
      },
      ...containerAndAdminRoutes,
      { path: "*", element: <NotFound /> },
    ],
  },
];

/** App is the console with its data cache and router. */
export function App({ queryClient }: { queryClient: QueryClient }) {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={createBrowserRouter(routes)} />
    </QueryClientProvider>
  );
}
