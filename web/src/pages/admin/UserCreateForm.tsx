import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { Field } from "../../components/Field";
import { fieldError, FormError } from "../../components/FormError";

/** The roles every installation has, offered while the list loads. */
const seededRoles = ["participant", "instructor", "admin"];

const fieldNames = ["username", "email", "display_name", "roles", "password"];

/** UserCreateForm creates a local account with its roles. */
export function UserCreateForm() {
  const qc = useQueryClient();
  const [username, setUsername] = useState("");
  const [email, setEmail] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [password, setPassword] = useState("");
  const [roles, setRoles] = useState<string[]>(["participant"]);
  const allRoles = useQuery({
    queryKey: ["roles"],
    queryFn: () => unwrap(api.GET("/api/v1/roles")),
    select: (d) => d.items.map((r) => r.name),
  });
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/v1/users", {
          body: { username: username.trim(), email: email.trim(), display_name: displayName.trim(), roles, password },
        }),
      ),
    onSuccess: () => {
      setUsername("");
      setEmail("");
      setDisplayName("");
      setPassword("");
      setRoles(["participant"]);
      void qc.invalidateQueries({ queryKey: ["users"] });
    },
  });
  const err = create.error;
  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate();
  }
  function toggleRole(name: string, on: boolean) {
    setRoles((r) => (on ? [...r, name] : r.filter((x) => x !== name)));
  }
  return (
    <section className="section card" aria-labelledby="create-user">
      <h2 id="create-user">Create a user</h2>
      {create.isSuccess && (
        <p className="alert alert-ok" role="status">
          Created {create.data.username}.
        </p>
      )}
      <FormError error={err} shown={fieldNames} />
      <form onSubmit={submit} noValidate aria-labelledby="create-user">
        <div className="form-grid">
          <Field
            label="Username"
            name="username"
            required
            autoComplete="off"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            error={fieldError(err, "username")}
          />
          <Field
            label="E-mail"
            name="email"
            type="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={fieldError(err, "email")}
          />
          <Field
            label="Display name"
            name="display_name"
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
            error={fieldError(err, "display_name")}
          />
          <Field
            label="Password"
            name="password"
            type="password"
            required
            autoComplete="new-password"
            hint="At least 12 characters, not a common password."
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={fieldError(err, "password")}
          />
        </div>
        <fieldset className="field" aria-describedby={fieldError(err, "roles") ? "roles-error" : undefined}>
          <legend>Roles</legend>
          {(allRoles.data ?? seededRoles).map((name) => (
            <label key={name} className="check">
              <input
                type="checkbox"
                checked={roles.includes(name)}
                onChange={(e) => toggleRole(name, e.target.checked)}
              />
              {name}
            </label>
          ))}
          {fieldError(err, "roles") && (
            <span className="field-error" id="roles-error">
              {fieldError(err, "roles")}
            </span>
          )}
        </fieldset>
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create user"}
        </button>
      </form>
    </section>
  );
}
