import { useQuery } from "@tanstack/react-query";
import { api } from "../../../api/client";
import { unwrap } from "../../../api/errors";
import { ListPage } from "../../../components/ListPage";
import { usePagedList } from "../../../components/usePagedList";
import { GroupCard } from "./GroupCard";
import { GroupCreateForm } from "./GroupCreateForm";

/** Groups lists the groups with their members, changes members and creates groups. */
export function Groups() {
  const groups = usePagedList(["groups"], (cursor) =>
    unwrap(api.GET("/api/v1/groups", { params: { query: { limit: 100, cursor } } })),
  );
  const users = useQuery({
    queryKey: ["users", "pick"],
    queryFn: () => unwrap(api.GET("/api/v1/users", { params: { query: { limit: 500 } } })),
    select: (d) => d.items,
  });
  return (
    <ListPage
      title="Groups"
      query={groups}
      what="groups"
      empty="No group yet; create one below."
      render={(items) => (
        <ul className="card-grid" aria-label="Groups">
          {items.map((g) => (
            <GroupCard key={g.id} group={g} users={users.data} />
          ))}
        </ul>
      )}
    >
      <GroupCreateForm />
    </ListPage>
  );
}
