import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { Event } from "../../api/types";
import { formatDate } from "../../components/format";
import { QueryView } from "../../components/StateViews";
import { StatusBadge } from "../../components/StatusBadge";
import { EventControls } from "./EventControls";
import { Participants } from "./Participants";
import { SeatGrid } from "./SeatGrid";
import { Timeline } from "./Timeline";

/** States in which the seats change by themselves, so the page polls. */
const moving: Event["state"][] = ["deploying", "ready", "running", "decommissioning"];

/** EventPage is an event at a glance: its seat grid, failures, controls and timeline. */
export function EventPage() {
  const { id = "" } = useParams();
  const overview = useQuery({
    queryKey: ["events", id, "overview"],
    queryFn: () => unwrap(api.GET("/api/v1/events/{id}/overview", { params: { path: { id } } })),
    refetchInterval: (q) => (q.state.data && !moving.includes(q.state.data.event.state) ? 15000 : 3000),
  });
  const state = overview.data?.event.state;
  return (
    <>
      <p>
        <Link to="/events">← Events</Link>
      </p>
      <QueryView query={overview} what="the event">
        {(o) => {
          const e = o.event;
          const failed = o.item_counts.failed ?? 0;
          return (
            <article aria-labelledby="event-title">
              <div className="page-head">
                <h1 id="event-title">
                  {e.name} <span className="muted mono">{e.short_name}</span>
                </h1>
                <StatusBadge state={e.state} />
              </div>
              <div className="card section">
                <dl className="facts">
                  <dt>Starts</dt>
                  <dd>{formatDate(e.starts_at)}</dd>
                  <dt>Ends</dt>
                  <dd>{e.ends_at ? formatDate(e.ends_at) : "when ended"}</dd>
                  <dt>Deploys</dt>
                  <dd>
                    {formatDate(e.deploy_at)} ({e.effective_lead_time} ahead)
                  </dd>
                  <dt>Seats</dt>
                  <dd>
                    {Object.entries(o.item_counts)
                      .filter(([, n]) => n > 0)
                      .map(([s, n]) => `${n} ${s}`)
                      .join(", ") || "none yet"}
                  </dd>
                </dl>
                <EventControls event={e} failed={failed} />
              </div>
              <section className="section" aria-labelledby="seats">
                <h2 id="seats">Seats</h2>
                <SeatGrid members={o.members} items={o.items} />
              </section>
              <Participants eventId={e.id} members={o.members} />
              {o.failures.length > 0 && (
                <section className="section" aria-labelledby="failures">
                  <h2 id="failures">Failed seats</h2>
                  <ul>
                    {o.failures.map((f) => (
                      <li key={`${f.user_id}-${f.machine}-${f.index}`}>
                        <strong>
                          {o.members.find((m) => m.user_id === f.user_id)?.username ?? f.user_id}, {f.machine}{" "}
                          {f.index + 1}
                        </strong>
                        : failed at {f.last_step || "an unknown step"}: {f.last_error}
                      </li>
                    ))}
                  </ul>
                </section>
              )}
            </article>
          );
        }}
      </QueryView>
      {overview.data && <Timeline eventId={id} pollMs={state && moving.includes(state) ? 5000 : false} />}
    </>
  );
}
