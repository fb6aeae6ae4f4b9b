import { useSyncExternalStore } from "react";
import { getSession, subscribe, type Session } from "./session";

/** useSession re-renders when the session starts or ends. */
export function useSession(): Session | null {
  return useSyncExternalStore(subscribe, getSession, getSession);
}

/** hasRole reports whether the session's user holds role. */
export function hasRole(s: Session | null, role: string): boolean {
  return !!s && s.user.roles.includes(role);
}
