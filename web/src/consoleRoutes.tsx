import type { RouteObject } from "react-router";
import { RequireRole } from "./auth/RequireAuth";
import { AuditLog } from "./pages/admin/audit/AuditLog";
import { EmailLog } from "./pages/admin/email/EmailLog";
import { EmailTemplates } from "./pages/admin/email/EmailTemplates";
import { Groups } from "./pages/admin/groups/Groups";
import { Roles } from "./pages/admin/roles/Roles";
import { Sites } from "./pages/admin/sites/Sites";
import { SystemEvents } from "./pages/admin/SystemEvents";
import { Templates } from "./pages/admin/Templates";
import { ContainerPage } from "./pages/containers/ContainerPage";
import { Containers } from "./pages/containers/Containers";

const adminOnly = (path: string, element: React.ReactNode): RouteObject => ({
  path,
  element: <RequireRole role={["admin"]}>{element}</RequireRole>,
});

/**
 * containerAndAdminRoutes are the containers' pages (every signed-in user)
 * and the administrator's platform pages, children of the signed-in layout.
 */
export const containerAndAdminRoutes: RouteObject[] = [
  { path: "containers", element: <Containers /> },
  // The list's page holds the create form; My lab's "New container" opens it.
  { path: "containers/new", element: <Containers /> },
  { path: "containers/:id", element: <ContainerPage /> },
  adminOnly("admin/templates", <Templates />),
  adminOnly("admin/sites", <Sites />),
  adminOnly("admin/groups", <Groups />),
  adminOnly("admin/roles", <Roles />),
  adminOnly("admin/email-templates", <EmailTemplates />),
  adminOnly("admin/email-log", <EmailLog />),
  adminOnly("admin/system-events", <SystemEvents />),
  adminOnly("admin/audit", <AuditLog />),
];
