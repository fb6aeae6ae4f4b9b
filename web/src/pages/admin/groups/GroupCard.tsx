import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../../../api/client";
import { unwrap } from "../../../api/errors";
import type { Group, User } from "../../../api/types";
import { ActionButton } from "../../../components/ActionButton";
import { SelectField } from "../../../components/Field";
import { fieldError, FormError } from "../../../components/FormError";

/** GroupCard is one group: its members, each removable after confirmation, and a member to add. */
export function GroupCard({ group, users }: { group: Group; users: User[] | undefined }) {
  const qc = useQueryClient();
  const [userId, setUserId] = useState("");
  const byId = new Map(users?.map((u) => [u.id, u]));
  const add = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST("/api/v1/groups/{id}/members", { params: { path: { id: group.id } }, body: { user_id: id } })),
    onSuccess: () => setUserId(""),
    onSettled: () => qc.invalidateQueries({ queryKey: ["groups"] }),
  });
  const remove = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE("/api/v1/groups/{id}/members/{user_id}", { params: { path: { id: group.id, user_id: id } } })),
    onSettled: () => qc.invalidateQueries({ queryKey: ["groups"] }),
  });
  const removeGroup = useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/groups/{id}", { params: { path: { id: group.id } } })),
    onSettled: () => qc.invalidateQueries({ queryKey: ["groups"] }),
  });
  const nameOf = (id: string) => byId.get(id)?.username ?? id;
  function submit(e: FormEvent) {
    e.preventDefault();
    if (userId) add.mutate(userId);
  }
  const candidates = users?.filter((u) => !group.member_ids.includes(u.id)) ?? [];
  return (
    <li className="card">
      <h3>
        <span>{group.name}</span>
        <span className="muted">
          {group.member_ids.length} member{group.member_ids.length === 1 ? "" : "s"}
        </span>
      </h3>
      {group.description && <p>{group.description}</p>}
      <FormError error={remove.error ?? removeGroup.error} />
      {group.member_ids.length === 0 ? (
        <p className="muted">No member.</p>
      ) : (
        <ul className="plain member-list" aria-label={`Members of ${group.name}`}>
          {group.member_ids.map((id) => (
            <li key={id}>
              {nameOf(id)}{" "}
              <ActionButton
                label={`Remove ${nameOf(id)} from ${group.name}`}
                title={`Remove ${nameOf(id)} from ${group.name}? Events the group takes part in tear down their VMs.`}
                confirmLabel="Remove"
                danger
                onConfirm={() => remove.mutateAsync(id)}
              >
                Remove
              </ActionButton>
            </li>
          ))}
        </ul>
      )}
      <FormError error={add.error} shown={["user_id"]} />
      <form className="filters" onSubmit={submit} aria-label={`Add a member to ${group.name}`}>
        <SelectField
          label="User"
          value={userId}
          error={fieldError(add.error, "user_id")}
          onChange={(e) => setUserId(e.target.value)}
        >
          <option value="">{users ? "Choose a user" : "Loading users…"}</option>
          {candidates.map((u) => (
            <option key={u.id} value={u.id}>
              {u.username}
            </option>
          ))}
        </SelectField>
        <button type="submit" className="btn" disabled={!userId || add.isPending}>
          {add.isPending ? "Adding…" : "Add member"}
        </button>
      </form>
      <div className="actions">
        <ActionButton
          label={`Delete group ${group.name}`}
          title={`Delete the group ${group.name}?`}
          confirmLabel="Delete"
          danger
          onConfirm={() => removeGroup.mutateAsync()}
        >
          Delete group
        </ActionButton>
      </div>
    </li>
  );
}
