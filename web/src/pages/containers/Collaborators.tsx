import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { ActionButton } from "../../components/ActionButton";
import { Field } from "../../components/Field";
import { fieldError, FormError } from "../../components/FormError";
import { formatDate } from "../../components/format";
import { ListSection } from "../../components/ListSection";

/** Collaborators lists who may operate a container besides its owner, adds users by id and removes them. */
export function Collaborators({ containerId }: { containerId: string }) {
  const qc = useQueryClient();
  const [userId, setUserId] = useState("");
  const key = ["containers", containerId, "collaborators"];
  const list = useQuery({
    queryKey: key,
    queryFn: () => unwrap(api.GET("/api/v1/containers/{id}/collaborators", { params: { path: { id: containerId } } })),
  });
  const add = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/v1/containers/{id}/collaborators", {
          params: { path: { id: containerId } },
          body: { user_id: userId.trim() },
        }),
      ),
    onSuccess: () => {
      setUserId("");
      void qc.invalidateQueries({ queryKey: key });
    },
  });
  const remove = useMutation({
    mutationFn: (user: string) =>
      unwrap(
        api.DELETE("/api/v1/containers/{id}/collaborators/{user_id}", {
          params: { path: { id: containerId, user_id: user } },
        }),
      ),
    onSettled: () => qc.invalidateQueries({ queryKey: key }),
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    add.mutate();
  }
  return (
    <>
      <FormError error={remove.error} />
      <ListSection
        heading="Collaborators"
        query={{ ...list, data: list.data?.items }}
        what="the collaborators"
        empty="Only the owner operates this container."
      >
        {(items) => (
          <ul className="plain member-list">
            {items.map((c) => (
              <li key={c.user_id}>
                {c.username} <span className="muted">since {formatDate(c.added_at)}</span>{" "}
                <ActionButton
                  label={`Remove ${c.username}`}
                  title={`Stop ${c.username} from operating this container?`}
                  confirmLabel="Remove"
                  danger
                  onConfirm={() => remove.mutateAsync(c.user_id)}
                >
                  Remove
                </ActionButton>
              </li>
            ))}
          </ul>
        )}
      </ListSection>
      <FormError error={add.error} shown={["user_id"]} />
      <form className="filters" onSubmit={submit} aria-label="Add a collaborator">
        <Field
          label="User id"
          value={userId}
          onChange={(e) => setUserId(e.target.value)}
          error={fieldError(add.error, "user_id")}
        />
        <button type="submit" className="btn btn-primary" disabled={!userId.trim() || add.isPending}>
          {add.isPending ? "Adding…" : "Add collaborator"}
        </button>
      </form>
    </>
  );
}
