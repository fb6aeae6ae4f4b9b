import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { Field } from "../../components/Field";
import { FormError } from "../../components/FormError";
import { useCreateForm } from "../../components/useCreateForm";

/** The roles every installation has, offered while the list loads. */
const seededRoles = ["participant", "instructor", "admin"];

const fieldNames = ["username", "email", "display_name", "roles", "password"];

/** UserCreateForm creates a local account with its roles. */
export function UserCreateForm() {
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
  const { create, errors, submit } = useCreateForm({
    send: () =>
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
    },
    invalidate: [["users"]],
  });
  const err = create.error;
  const rolesError = errors.errorOf("roles");
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
      <form ref={errors.form} onSubmit={submit} noValidate aria-labelledby="create-user">
        <div className="form-grid">
          <Field label="Username" required autoComplete="off" {...errors.bind("username", username, setUsername)} />
          <Field label="E-mail" type="email" required {...errors.bind("email", email, setEmail)} />
          <Field label="Display name" {...errors.bind("display_name", displayName, setDisplayName)} />
          <Field
            label="Password"
            type="password"
            required
            autoComplete="new-password"
            hint="At least 12 characters, not a common password."
            {...errors.bind("password", password, setPassword)}
          />
        </div>
        <fieldset className="field" aria-describedby={rolesError ? "roles-error" : undefined}>
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
          {rolesError && (
            <span className="field-error" id="roles-error">
              {rolesError}
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
