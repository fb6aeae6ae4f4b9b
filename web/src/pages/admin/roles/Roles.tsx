import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../../api/client";
import { unwrap } from "../../../api/errors";
import type { Role } from "../../../api/types";
import { ActionButton } from "../../../components/ActionButton";
import { FormError } from "../../../components/FormError";
import { ListPage } from "../../../components/ListPage";
import { StatusBadge } from "../../../components/StatusBadge";
import { RoleCreateForm } from "./RoleCreateForm";

/** Roles lists every role with the permissions it grants, deletes custom ones and creates new ones. */
export function Roles() {
  const qc = useQueryClient();
  const roles = useQuery({
    queryKey: ["roles"],
    queryFn: () => unwrap(api.GET("/api/v1/roles")),
    select: (d) => d.items,
  });
  const remove = useMutation({
    mutationFn: (r: Role) => unwrap(api.DELETE("/api/v1/roles/{name}", { params: { path: { name: r.name } } })),
    onSettled: () => qc.invalidateQueries({ queryKey: ["roles"] }),
  });
  return (
    <ListPage
      title="Roles"
      notices={<FormError error={remove.error} />}
      query={roles}
      what="roles"
      empty="No role."
      caption="Roles by name"
      columns={["Name", "Description", "Permissions", "Kind", ""]}
      row={(r) => (
        <tr key={r.name}>
          <th scope="row">{r.name}</th>
          <td>{r.description || "—"}</td>
          <td>
            {r.permissions.length === 0 ? (
              <span className="muted">none</span>
            ) : (
              <ul className="plain">
                {r.permissions.map((p) => (
                  <li key={`${p.object_type}/${p.key}`} className="mono">
                    {p.key} on {p.object_type === "*" ? "every type" : p.object_type}
                  </li>
                ))}
              </ul>
            )}
          </td>
          <td>{r.builtin ? <StatusBadge state="info" label="built-in" /> : "custom"}</td>
          <td>
            {!r.builtin && (
              <ActionButton
                label={`Delete ${r.name}`}
                title={`Delete the role ${r.name}? Its holders lose it.`}
                confirmLabel="Delete"
                danger
                onConfirm={() => remove.mutateAsync(r)}
              >
                Delete
              </ActionButton>
            )}
          </td>
        </tr>
      )}
    >
      <RoleCreateForm />
    </ListPage>
  );
}
