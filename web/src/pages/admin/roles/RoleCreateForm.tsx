import { useState } from "react";
import { api } from "../../../api/client";
import { unwrap } from "../../../api/errors";
import type { RoleGrant } from "../../../api/types";
import { Field, SelectField, TextAreaField } from "../../../components/Field";
import { FormError } from "../../../components/FormError";
import { useCreateForm } from "../../../components/useCreateForm";
import { objectTypes, permissionKeys, roleNameError } from "./grants";

const shownPattern = /^(name|description|permissions(\[\d+\]\.(object_type|key))?)$/;

/** RoleCreateForm creates a custom role with the type-level permissions it grants. */
export function RoleCreateForm() {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [grants, setGrants] = useState<RoleGrant[]>([{ object_type: "vm", key: "read" }]);
  const client: Record<string, string> = {};
  const nameErr = roleNameError(name.trim());
  if (nameErr) client.name = nameErr;
  if (description.length > 2000) client.description = "must be at most 2000 characters";
  const { create, errors, submit } = useCreateForm({
    send: () =>
      unwrap(
        api.POST("/api/v1/roles", {
          body: { name: name.trim(), description: description.trim(), permissions: grants },
        }),
      ),
    checks: client,
    invalidate: [["roles"]],
    onSuccess: () => {
      setName("");
      setDescription("");
      setGrants([{ object_type: "vm", key: "read" }]);
    },
  });
  const setGrant = (i: number, patch: Partial<RoleGrant>) =>
    setGrants((g) => g.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  return (
    <section className="section card" aria-labelledby="create-role">
      <h2 id="create-role">Create a custom role</h2>
      {create.isSuccess && (
        <p className="alert alert-ok" role="status">
          Created the role {create.data.name}. Give it to users on the Users page.
        </p>
      )}
      <FormError error={create.error} shown={Object.keys(errors.apiFields).filter((n) => shownPattern.test(n))} />
      <form ref={errors.form} onSubmit={submit} noValidate aria-labelledby="create-role">
        <Field
          label="Name"
          {...errors.bind("name", name, setName)}
          autoComplete="off"
          hint="Lower-case letters, digits and inner hyphens, e.g. lab-assistant."
        />
        <TextAreaField label="Description" {...errors.bind("description", description, setDescription)} rows={2} />
        <fieldset className="field">
          <legend>Permissions</legend>
          <p className="hint">Each applies to every object of its type; * is every type.</p>
          {grants.map((g, i) => (
            <div key={i} className="form-grid">
              <SelectField
                label={`Permission ${i + 1} object type`}
                value={g.object_type}
                error={errors.errorOf(`permissions[${i}].object_type`)}
                onChange={(e) => setGrant(i, { object_type: e.target.value })}
              >
                {objectTypes.map((t) => (
                  <option key={t} value={t}>
                    {t === "*" ? "* (every type)" : t}
                  </option>
                ))}
              </SelectField>
              <SelectField
                label={`Permission ${i + 1} key`}
                value={g.key}
                error={errors.errorOf(`permissions[${i}].key`)}
                onChange={(e) => setGrant(i, { key: e.target.value })}
              >
                {permissionKeys.map((k) => (
                  <option key={k} value={k}>
                    {k}
                  </option>
                ))}
              </SelectField>
              <button
                type="button"
                className="btn"
                aria-label={`Remove permission ${i + 1}`}
                onClick={() => setGrants((x) => x.filter((_, j) => j !== i))}
              >
                Remove
              </button>
            </div>
          ))}
          <button
            type="button"
            className="btn"
            onClick={() => setGrants((x) => [...x, { object_type: "vm", key: "read" }])}
          >
            Add a permission
          </button>
        </fieldset>
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create role"}
        </button>
      </form>
    </section>
  );
}
