import { useState, type FormEvent } from "react";
import { Navigate, useLocation, useNavigate } from "react-router";
import { useMutation, useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import { ApiError, unwrap } from "../api/errors";
import { lastEndReason } from "../auth/session";
import { signIn } from "../auth/signIn";
import { useSession } from "../auth/useSession";
import { Field } from "../components/Field";
import { fieldError, FormError } from "../components/FormError";
import { Logo } from "../components/Logo";
import { ThemeToggle } from "../components/ThemeToggle";

const endNotes = {
  expired: "Your session has expired. Sign in again to continue.",
  signed_out: "You have signed out.",
};

/** oidcHref is where a provider's button sends the browser, coming back to from. */
export function oidcHref(startURL: string, from: string): string {
  const u = new URL(startURL, window.location.origin);
  u.searchParams.set("return_to", from);
  return u.origin === window.location.origin ? u.pathname + u.search : u.toString();
}

/**
 * SignIn is the sign-in page: the username and password form (local
 * accounts, and directory accounts when LDAP is on) and a button for each
 * enabled OIDC provider.
 */
export function SignIn() {
  const session = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? "/";
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const login = useMutation({
    mutationFn: () => signIn(username, password),
    onSuccess: () => void navigate(from, { replace: true }),
  });

  const providers = useQuery({
    queryKey: ["auth-providers"],
    queryFn: () => unwrap(api.GET("/api/v1/auth/providers")),
    staleTime: 60_000,
  });

  if (session && !login.isPending) return <Navigate to={from} replace />;

  const list = providers.data?.providers ?? [];
  const ldap = list.find((p) => p.type === "ldap");
  const oidc = list.filter((p) => p.type === "oidc" && p.start_url);

  const ended = lastEndReason();
  const err = login.error;
  const throttled = err instanceof ApiError && err.retryAfter !== undefined;
  function submit(e: FormEvent) {
    e.preventDefault();
    login.mutate();
  }
  return (
    <main className="sign-in" id="main">
      <div className="page-head">
        <span className="brand">
          <Logo />
          <span>Labforge</span>
        </span>
        <ThemeToggle />
      </div>
      <div className="card">
        <h1>Sign in</h1>
        {ended && !err && (
          <p className={ended === "expired" ? "alert alert-warn" : "alert alert-info"} role="status">
            {endNotes[ended]}
          </p>
        )}
        <FormError error={err} shown={["username", "password"]} />
        {throttled && <p className="muted">Wait {(err as ApiError).retryAfter} seconds before the next attempt.</p>}
        {ldap && <p className="muted">Use your {ldap.display_name} account or a Labforge account.</p>}
        <form onSubmit={submit} noValidate aria-label="Sign in">
          <Field
            label="Username"
            name="username"
            autoComplete="username"
            required
            autoFocus
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            error={fieldError(err, "username")}
          />
          <Field
            label="Password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={fieldError(err, "password")}
          />
          <button type="submit" className="btn btn-primary" disabled={login.isPending}>
            {login.isPending ? "Signing in…" : "Sign in"}
          </button>
        </form>
        {oidc.length > 0 && (
          <nav className="sign-in-providers" aria-label="Other ways to sign in">
            {oidc.map((p) => (
              <a key={p.id} className="btn" href={oidcHref(p.start_url ?? "", from)}>
                Sign in with {p.display_name}
              </a>
            ))}
          </nav>
        )}
      </div>
    </main>
  );
}
