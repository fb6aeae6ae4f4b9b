import { useState } from "react";
import { api } from "../../../api/client";
import { unwrap } from "../../../api/errors";
import { Field, TextAreaField } from "../../../components/Field";
import { FormError } from "../../../components/FormError";
import { useCreateForm } from "../../../components/useCreateForm";

/** GroupCreateForm creates a group by name and description; members are added on its card. */
export function GroupCreateForm() {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const client: Record<string, string> = {};
  if (name.trim() === "") client.name = "is required";
  else if (name.trim().length > 100) client.name = "must be at most 100 characters";
  if (description.length > 2000) client.description = "must be at most 2000 characters";
  const { create, errors, submit } = useCreateForm({
    send: () => unwrap(api.POST("/api/v1/groups", { body: { name: name.trim(), description: description.trim() } })),
    checks: client,
    invalidate: [["groups"]],
    onSuccess: () => {
      setName("");
      setDescription("");
    },
  });
  return (
    <section className="section card" aria-labelledby="create-group">
      <h2 id="create-group">Create a group</h2>
      {create.isSuccess && (
        <p className="alert alert-ok" role="status">
          Created {create.data.name}.
        </p>
      )}
      <FormError error={create.error} shown={["name", "description"]} />
      <form ref={errors.form} onSubmit={submit} noValidate aria-labelledby="create-group">
        <Field label="Name" {...errors.bind("name", name, setName)} required />
        <TextAreaField label="Description" {...errors.bind("description", description, setDescription)} rows={2} />
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create group"}
        </button>
      </form>
    </section>
  );
}
