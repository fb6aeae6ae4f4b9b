import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { useSession } from "./useSession";

/** RequireAuth shows children to a signed-in user and sends anyone else to sign-in, remembering where they were going. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (!session) {
    return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  }
  return <>{children}</>;
}

/** RequireRole shows children only to users holding one of roles. */
export function RequireRole({ role, children }: { role: string[]; children: ReactNode }) {
  const session = useSession();
  if (!role.some((r) => session?.user.roles.includes(r))) {
    return (
      <div className="alert alert-info" role="alert">
        This page is for users with the {role.join(" or ")} role.
      </div>
    );
  }
  return <>{children}</>;
}
