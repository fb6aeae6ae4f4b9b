import { useState, type FormEvent } from "react";
import { Navigate, useLocation, useNavigate } from "react-router";
import { useMutation } from "@tanstack/react-query";
import { ApiError } from "../api/errors";
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

/** SignIn is the local account sign-in form. */
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

  if (session && !login.isPending) return <Navigate to={from} replace />;

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
      </div>
    </main>
  );
}
