import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { formatDate } from "../../components/format";
import { QueryView } from "../../components/StateViews";

/** Timeline lists what happened to an event, newest first. */
export function Timeline({ eventId, pollMs }: { eventId: string; pollMs: number | false }) {
  const timeline = useQuery({
    queryKey: ["events", eventId, "timeline"],
    queryFn: () =>
      unwrap(api.GET("/api/v1/events/{id}/timeline", { params: { path: { id: eventId }, query: { limit: 100 } } })),
    refetchInterval: pollMs,
  });
  return (
    <section className="section" aria-labelledby="timeline">
      <h2 id="timeline">Timeline</h2>
      <QueryView
        query={timeline}
        what="the timeline"
        isEmpty={(d) => d.items.length === 0}
        empty="Nothing has happened yet."
      >
        {(d) => (
          <ol className="plain timeline">
            {d.items.map((a) => (
              <li key={a.id}>
                <time dateTime={a.time} className="muted">
                  {formatDate(a.time)}
                </time>{" "}
                <strong>{a.actor}</strong> {a.message}
              </li>
            ))}
          </ol>
        )}
      </QueryView>
    </section>
  );
}
