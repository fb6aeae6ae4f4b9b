import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { Event } from "../../api/types";
import { formatDate } from "../../components/format";
import { ErrorState, Loading, QueryView } from "../../components/StateViews";
import { CardList } from "../../components/CardList";

/** States in which an event's machines exist, so its connections may be open. */
const live: Event["state"][] = ["deploying", "ready", "running"];

/** Connections lists the user's Guacamole links of one event. */
function Connections({ event }: { event: Event }) {
  const overview = useQuery({
    queryKey: ["events", event.id, "overview"],
    queryFn: () => unwrap(api.GET("/api/v1/events/{id}/overview", { params: { path: { id: event.id } } })),
    refetchInterval: 10000,
  });
  if (overview.isPending) return <Loading what="connections" />;
  if (overview.isError)
    return <ErrorState what="connections" error={overview.error} onRetry={() => void overview.refetch()} />;
  const active = overview.data.connections.filter((c) => c.state === "active");
  if (active.length === 0) return <p className="muted">No connection is open yet.</p>;
  return (
    <ul className="plain" aria-label={`Connections of ${event.name}`}>
      {active.map((c) => (
        <li key={`${c.vm_id}-${c.template_position}`}>
          <a href={c.url} target="_blank" rel="noreferrer">
            Open {c.name} in Guacamole
          </a>
        </li>
      ))}
    </ul>
  );
}

/** MyEvents lists the events the user takes part in, with their dates, state and connections. */
export function MyEvents() {
  const events = useQuery({
    queryKey: ["events", "list"],
    queryFn: () => unwrap(api.GET("/api/v1/events", { params: { query: { limit: 100 } } })),
    refetchInterval: 15000,
  });
  return (
    <section className="section" aria-labelledby="my-events">
      <h2 id="my-events">My events</h2>
      <QueryView
        query={events}
        what="your events"
        isEmpty={(d) => d.items.length === 0}
        empty="You take part in no event."
      >
        {(d) => (
          <CardList label="Events" items={d.items} keyOf={(e) => e.id} title={(e) => e.name} state={(e) => e.state}>
            {(e) => (
              <>
                <dl className="facts">
                  <dt>Starts</dt>
                  <dd>{formatDate(e.starts_at)}</dd>
                  <dt>Ends</dt>
                  <dd>{e.ends_at ? formatDate(e.ends_at) : "when ended"}</dd>
                </dl>
                {live.includes(e.state) ? <Connections event={e} /> : null}
              </>
            )}
          </CardList>
        )}
      </QueryView>
    </section>
  );
}
