import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { Collaborator } from "../../api/types";
import { ActionButton } from "../../components/ActionButton";
import { DataTable } from "../../components/DataTable";
import { Field, SelectField } from "../../components/Field";
import { FormError } from "../../components/FormError";
import { formatDate } from "../../components/format";
import { ListSection } from "../../components/ListSection";
import { useCreateForm } from "../../components/useCreateForm";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Collaborators lists who may operate the container besides its owner,
 * adds one (chosen from the users when the caller may list them, by user
 * id otherwise) and removes one after confirmation.
 */
export function Collaborators({ containerId, hostname }: { containerId: string; hostname: string }) {
  const qc = useQueryClient();
  const key = ["containers", containerId, "collaborators"];
  const list = useQuery({
    queryKey: key,
    queryFn: () => unwrap(api.GET("/api/v1/containers/{id}/collaborators", { params: { path: { id: containerId } } })),
    select: (d) => d.items,
  });
  const users = useQuery({
    queryKey: ["users", "pick"],
    queryFn: () => unwrap(api.GET("/api/v1/users", { params: { query: { limit: 500 } } })),
    retry: false,
  });
  const [userId, setUserId] = useState("");
  const client: Record<string, string> = {};
  if (!uuidPattern.test(userId.trim())) client.user_id = users.isSuccess ? "choose a user" : "must be a user id";
  const { create, errors, submit } = useCreateForm({
    send: (id: string) =>
      unwrap(
        api.POST("/api/v1/containers/{id}/collaborators", {
          params: { path: { id: containerId } },
          body: { user_id: id },
        }),
      ),
    checks: client,
    invalidate: [key],
    onSuccess: () => setUserId(""),
  });
  const remove = useMutation({
    mutationFn: (co: Collaborator) =>
      unwrap(
        api.DELETE("/api/v1/containers/{id}/collaborators/{user_id}", {
          params: { path: { id: containerId, user_id: co.user_id } },
        }),
      ),
    onSettled: () => qc.invalidateQueries({ queryKey: key }),
  });
  const current = new Set(list.data?.map((c) => c.user_id));
  return (
    <>
      <ListSection
        heading="Collaborators"
        query={list}
        what="collaborators"
        empty="Only the owner operates this container."
      >
        {(items) => (
          <DataTable caption={`Collaborators of ${hostname}`} columns={["User", "Added", ""]}>
            {items.map((co) => (
              <tr key={co.user_id}>
                <th scope="row">{co.username}</th>
                <td>{formatDate(co.added_at)}</td>
                <td>
                  <ActionButton
                    label={`Remove ${co.username}`}
                    title={`Remove ${co.username}? They can no longer operate ${hostname}.`}
                    confirmLabel="Remove"
                    danger
                    onConfirm={() => remove.mutateAsync(co)}
                  >
                    Remove
                  </ActionButton>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </ListSection>
      <FormError error={remove.error} />
      <FormError error={create.error} shown={["user_id"]} />
      <form
        ref={errors.form}
        className="filters"
        onSubmit={(e) => submit(e, userId.trim())}
        noValidate
        aria-label="Add a collaborator"
      >
        {users.isSuccess ? (
          <SelectField label="User" {...errors.bind("user_id", userId, setUserId)}>
            <option value="">Choose a user</option>
            {users.data.items
              .filter((u) => !current.has(u.id))
              .map((u) => (
                <option key={u.id} value={u.id}>
                  {u.username} ({u.email})
                </option>
              ))}
          </SelectField>
        ) : (
          <Field
            label="User id"
            {...errors.bind("user_id", userId, setUserId)}
            autoComplete="off"
            spellCheck={false}
            hint="The id of the user's account."
          />
        )}
        <button type="submit" className="btn" disabled={create.isPending}>
          {create.isPending ? "Adding…" : "Add collaborator"}
        </button>
      </form>
    </>
  );
}
