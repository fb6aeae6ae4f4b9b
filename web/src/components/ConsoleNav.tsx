import { useRef } from "react";
import { NavLink, useLocation } from "react-router";

const platform: [string, string][] = [
  ["/admin/templates", "Templates"],
  ["/admin/sites", "Sites"],
  ["/admin/groups", "Groups"],
  ["/admin/roles", "Roles"],
  ["/admin/email-templates", "E-mail templates"],
  ["/admin/email-log", "E-mail log"],
  ["/admin/system-events", "System events"],
  ["/admin/audit", "Audit log"],
];

/**
 * ConsoleNav are the navigation entries of the containers' page and, for
 * administrators, the platform's pages under one disclosure ("Platform"),
 * which closes once a page is chosen or on Escape, and marks itself when
 * one of its pages is open.
 */
export function ConsoleNav({ admin }: { admin: boolean }) {
  const menu = useRef<HTMLDetailsElement>(null);
  const { pathname } = useLocation();
  const inPlatform = platform.some(([to]) => pathname.startsWith(to));
  return (
    <>
      <li>
        <NavLink to="/containers">Containers</NavLink>
      </li>
      {admin && (
        <li>
          <details
            ref={menu}
            className="nav-menu"
            onKeyDown={(e) => {
              if (e.key !== "Escape" || !menu.current?.open) return;
              menu.current.removeAttribute("open");
              menu.current.querySelector("summary")?.focus();
            }}
          >
            <summary data-current={inPlatform || undefined}>Platform</summary>
            <ul>
              {platform.map(([to, label]) => (
                <li key={to}>
                  <NavLink to={to} onClick={() => menu.current?.removeAttribute("open")}>
                    {label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </details>
        </li>
      )}
    </>
  );
}
