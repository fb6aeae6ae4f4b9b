import { Link } from "react-router";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { hasRole, useSession } from "../../auth/useSession";
import { ListPage } from "../../components/ListPage";
import { StatusBadge } from "../../components/StatusBadge";
import { usePagedList } from "../../components/usePagedList";
import { ContainerCreateForm } from "./ContainerCreateForm";

/** Containers lists the user's containers, each linking to its page, and creates new ones. */
export function Containers() {
  const session = useSession();
  // Without a filter a participant sees what they own or collaborate on; an administrator would see every container.
  const owner = hasRole(session, "admin") ? session?.user.id : undefined;
  const containers = usePagedList(
    ["containers", "list", { owner }],
    (cursor) => unwrap(api.GET("/api/v1/containers", { params: { query: { owner, limit: 100, cursor } } })),
    { refetchInterval: 5000 },
  );
  return (
    <ListPage
      title="Containers"
      heading="My containers"
      showHeading
      query={containers}
      what="your containers"
      empty="You have no containers yet; create one below."
      caption="Your containers, oldest first"
      columns={["Host name", "Status", "Address", "DNS name", "Node", "Source"]}
      row={(c) => (
        <tr key={c.id}>
          <th scope="row">
            <Link to={`/containers/${c.id}`}>{c.hostname}</Link>
          </th>
          <td>
            <StatusBadge state={c.status} />
          </td>
          <td className="mono">{c.ipv4 ?? "—"}</td>
          <td className="mono">{c.dns_name}</td>
          <td>{c.node ?? "—"}</td>
          <td className="mono">{c.source}</td>
        </tr>
      )}
    >
      <ContainerCreateForm />
    </ListPage>
  );
}
