import { NavLink, Outlet, useNavigate } from "react-router";
import { signOut } from "../auth/signIn";
import { hasRole, useSession } from "../auth/useSession";
import { ConsoleNav } from "./ConsoleNav";
import { Logo } from "./Logo";
import { ThemeToggle } from "./ThemeToggle";

/** Layout is the signed-in frame: header, navigation for the user's roles, and the page. */
export function Layout() {
  const session = useSession();
  const navigate = useNavigate();
  const admin = hasRole(session, "admin");
  const instructor = admin || hasRole(session, "instructor");
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <NavLink to="/" className="brand" aria-label="Labforge home">
          <Logo />
          <span>Labforge</span>
        </NavLink>
        <nav className="app-nav" aria-label="Main">
          <ul>
            <li>
              <NavLink to="/" end>
                My lab
              </NavLink>
            </li>
            {instructor && (
              <>
                <li>
                  <NavLink to="/environments">Environments</NavLink>
                </li>
                <li>
                  <NavLink to="/events">Events</NavLink>
                </li>
              </>
            )}
            <li>
              <NavLink to="/operations">Operations</NavLink>
            </li>
            {admin && (
              <>
                <li>
                  <NavLink to="/admin/nodes">Nodes</NavLink>
                </li>
                <li>
                  <NavLink to="/admin/users">Users</NavLink>
                </li>
              </>
            )}
            <ConsoleNav admin={admin} />
          </ul>
        </nav>
        <div className="header-tools">
          <ThemeToggle />
          {session && (
            <span className="muted" title={session.user.email}>
              {session.user.display_name || session.user.username}
            </span>
          )}
          <button
            type="button"
            className="btn"
            onClick={() => {
              void signOut().then(() => navigate("/sign-in", { replace: true }));
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <main id="main" className="app-main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
