import { NavLink } from "react-router";

/** ConsoleNav are the navigation entries of the containers' and the administrator's platform pages. */
export function ConsoleNav({ admin }: { admin: boolean }) {
  const links: [string, string][] = [["/containers", "Containers"]];
  if (admin) {
    links.push(
      ["/admin/templates", "Templates"],
      ["/admin/sites", "Sites"],
      ["/admin/groups", "Groups"],
      ["/admin/roles", "Roles"],
      ["/admin/email-templates", "E-mail templates"],
      ["/admin/email-log", "E-mail log"],
      ["/admin/system-events", "System events"],
      ["/admin/audit", "Audit log"],
    );
  }
  return (
    <>
      {links.map(([to, label]) => (
        <li key={to}>
          <NavLink to={to}>{label}</NavLink>
        </li>
      ))}
    </>
  );
}
