import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { User } from "../../api/types";
import { ActionButton } from "../../components/ActionButton";
import { FormError } from "../../components/FormError";
import { formatDate } from "../../components/format";
import { ListPage } from "../../components/ListPage";
import { usePagedList } from "../../components/usePagedList";
import { StatusBadge } from "../../components/StatusBadge";
import { UserCreateForm } from "./UserCreateForm";

/** Users lists the accounts, lets an administrator disable or enable one, and creates local accounts. */
export function Users() {
  const qc = useQueryClient();
  const users = usePagedList(["users"], (cursor) =>
    unwrap(api.GET("/api/v1/users", { params: { query: { limit: 100, cursor } } })),
  );
  const setDisabled = useMutation({
    mutationFn: ({ user, disabled }: { user: User; disabled: boolean }) =>
      unwrap(api.PATCH("/api/v1/users/{id}", { params: { path: { id: user.id } }, body: { disabled } })),
    onSettled: () => qc.invalidateQueries({ queryKey: ["users"] }),
  });
  return (
    <ListPage
      title="Users"
      notices={<FormError error={setDisabled.error} />}
      heading="Accounts"
      query={users}
      what="users"
      empty="No user yet."
      caption="Users by username"
      columns={["Username", "Name and e-mail", "Roles", "Source", "Status", "Created", ""]}
      row={(u) => (
        <tr key={u.id}>
          <th scope="row">{u.username}</th>
          <td>
            {u.display_name || "—"}
            <div className="muted">{u.email}</div>
          </td>
          <td>{u.roles.join(", ")}</td>
          <td>{u.source}</td>
          <td>{u.disabled ? <StatusBadge state="failed" label="disabled" /> : <StatusBadge state="active" />}</td>
          <td>{formatDate(u.created_at)}</td>
          <td>
            <ActionButton
              label={`${u.disabled ? "Enable" : "Disable"} ${u.username}`}
              title={
                u.disabled ? `Enable ${u.username}?` : `Disable ${u.username}? Their sessions and tokens stop working.`
              }
              confirmLabel={u.disabled ? "Enable" : "Disable"}
              danger={!u.disabled}
              onConfirm={() => setDisabled.mutateAsync({ user: u, disabled: !u.disabled })}
            >
              {u.disabled ? "Enable" : "Disable"}
            </ActionButton>
          </td>
        </tr>
      )}
    >
      <UserCreateForm />
    </ListPage>
  );
}
