import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { EventMember, UserSummary } from "../../api/types";
import { ActionButton } from "../../components/ActionButton";
import { SelectField } from "../../components/Field";
import { fieldError, FormError } from "../../components/FormError";
import { UserSearchField, userLabel, useUserLookup } from "./UserSearchField";

type Role = "participant" | "instructor";

/**
 * Participants lists who takes part in an event and adds or removes users
 * and groups. A user is found by name (GET /users/lookup) or, for a caller
 * the API refuses lookups to, named by id; a group is picked from those
 * the caller may see.
 */
export function Participants({ eventId, members }: { eventId: string; members: EventMember[] }) {
  const qc = useQueryClient();
  const [userText, setUserText] = useState("");
  const [picked, setPicked] = useState<UserSummary | null>(null);
  const [groupId, setGroupId] = useState("");
  const [role, setRole] = useState<Role>("participant");
  const participants = useQuery({
    queryKey: ["events", eventId, "participants"],
    queryFn: () => unwrap(api.GET("/api/v1/events/{id}/participants", { params: { path: { id: eventId } } })),
  });
  const lookup = useUserLookup(picked ? "" : userText);
  const userId = lookup.refused ? userText.trim() : (picked?.id ?? "");
  const groups = useQuery({
    queryKey: ["groups", "picker"],
    queryFn: () => unwrap(api.GET("/api/v1/groups", { params: { query: { limit: 500 } } })),
    retry: false,
  });
  const refresh = () => qc.invalidateQueries({ queryKey: ["events", eventId] });
  const add = useMutation({
    mutationFn: () => {
      const body = groupId ? { group_id: groupId, role } : { user_id: userId, role };
      return unwrap(api.POST("/api/v1/events/{id}/participants", { params: { path: { id: eventId } }, body }));
    },
    onSuccess: () => {
      chooseGroup("");
      void refresh();
    },
  });
  // One user or one group is added at a time: choosing one forgets the other.
  function chooseGroup(id: string) {
    setGroupId(id);
    setUserText("");
    setPicked(null);
  }
  function typeUser(text: string) {
    setGroupId("");
    setUserText(text);
    setPicked(null);
  }
  function pickUser(u: UserSummary) {
    setGroupId("");
    setUserText(userLabel(u));
    setPicked(u);
  }
  const remove = useMutation({
    mutationFn: (q: { user_id: string } | { group_id: string }) =>
      unwrap(api.DELETE("/api/v1/events/{id}/participants", { params: { path: { id: eventId }, query: q } })),
    onSettled: refresh,
  });
  const direct = new Set(participants.data?.users.map((u) => u.user_id));
  const groupName = (id: string) => groups.data?.items.find((g) => g.id === id)?.name ?? id;
  const err = add.error;
  function submit(e: FormEvent) {
    e.preventDefault();
    add.mutate();
  }
  return (
    <section className="section" aria-labelledby="participants">
      <h2 id="participants">Participants</h2>
      <FormError error={remove.error} />
      {members.length === 0 ? (
        <p className="muted">Nobody takes part yet.</p>
      ) : (
        <ul className="plain member-list">
          {members.map((m) => (
            <li key={m.user_id}>
              {m.display_name || m.username}{" "}
              <span className="muted">
                ({m.username}, {m.role})
              </span>{" "}
              {direct.has(m.user_id) && (
                <ActionButton
                  label={`Remove ${m.username}`}
                  title={`Remove ${m.username} from the event? Their VMs are torn down.`}
                  confirmLabel="Remove"
                  danger
                  onConfirm={() => remove.mutateAsync({ user_id: m.user_id })}
                >
                  Remove
                </ActionButton>
              )}
            </li>
          ))}
          {participants.data?.groups.map((g) => (
            <li key={g.group_id}>
              Group {groupName(g.group_id)} <span className="muted">({g.role})</span>{" "}
              <ActionButton
                label={`Remove group ${groupName(g.group_id)}`}
                title={`Remove the group ${groupName(g.group_id)} from the event?`}
                confirmLabel="Remove"
                danger
                onConfirm={() => remove.mutateAsync({ group_id: g.group_id })}
              >
                Remove
              </ActionButton>
            </li>
          ))}
        </ul>
      )}
      {/* Only those who may change the event read its participants; the others only see the members. */}
      {participants.isSuccess && (
        <>
          <FormError error={err} shown={["user_id", "group_id", "role"]} />
          <form className="filters filters-top" onSubmit={submit} aria-label="Add a participant">
            {groups.isSuccess && groups.data.items.length > 0 && (
              <SelectField
                label="Group"
                value={groupId}
                onChange={(e) => chooseGroup(e.target.value)}
                error={fieldError(err, "group_id")}
              >
                <option value="">Choose a group…</option>
                {groups.data.items.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name}
                  </option>
                ))}
              </SelectField>
            )}
            <UserSearchField
              label="User"
              text={userText}
              onText={typeUser}
              picked={picked}
              onPick={pickUser}
              lookup={lookup}
              error={fieldError(err, "user_id")}
            />
            <SelectField
              label="Role"
              value={role}
              onChange={(e) => setRole(e.target.value as Role)}
              error={fieldError(err, "role")}
            >
              <option value="participant">participant</option>
              <option value="instructor">instructor</option>
            </SelectField>
            <button type="submit" className="btn btn-primary" disabled={!(groupId || userId) || add.isPending}>
              {add.isPending ? "Adding…" : "Add"}
            </button>
          </form>
        </>
      )}
    </section>
  );
}
