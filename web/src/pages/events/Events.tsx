import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { formatDate } from "../../components/format";
import { QueryView } from "../../components/StateViews";
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
    <>
      <div className="page-head">
        <h1>Events</h1>
      </div>
      <section className="section" aria-labelledby="event-list">
        <h2 id="event-list" className="visually-hidden">
          Events by start
        </h2>
        <QueryView
          query={events}
          what="events"
          isEmpty={(d) => d.items.length === 0}
          empty="No event yet. Plan one below."
        >
          {(d) => (
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">Events by start</caption>
                <thead>
                  <tr>
                    <th scope="col">Event</th>
                    <th scope="col">State</th>
                    <th scope="col">Starts</th>
                    <th scope="col">Ends</th>
                    <th scope="col">Deploys</th>
                  </tr>
                </thead>
                <tbody>
                  {d.items.map((e) => (
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
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </QueryView>
      </section>
      <EventCreateForm />
    </>
  );
}
