import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { formatDate } from "../../components/format";
import { ListPage } from "../../components/ListPage";
import { StatusBadge } from "../../components/StatusBadge";
import { EventCreateForm } from "./EventCreateForm";

/** Events lists the events an instructor runs and plans new ones. */
export function Events() {
  const events = useQuery({
    queryKey: ["events", "list"],
    queryFn: () => unwrap(api.GET("/api/v1/events", { params: { query: { limit: 100 } } })),
    refetchInterval: 10000,
  });
  return (
    <ListPage
      title="Events"
      heading="Events by start"
      query={{ ...events, data: events.data?.items }}
      what="events"
      empty="No event yet. Plan one below."
      caption="Events by start"
      columns={["Event", "State", "Starts", "Ends", "Deploys"]}
      row={(e) => (
        <tr key={e.id}>
          <th scope="row">
            <Link to={`/events/${e.id}`}>{e.name}</Link> <span className="muted mono">{e.short_name}</span>
          </th>
          <td>
            <StatusBadge state={e.state} />
          </td>
          <td>{formatDate(e.starts_at)}</td>
          <td>{e.ends_at ? formatDate(e.ends_at) : "when ended"}</td>
          <td>{formatDate(e.deploy_at)}</td>
        </tr>
      )}
    >
      <EventCreateForm />
    </ListPage>
  );
}
