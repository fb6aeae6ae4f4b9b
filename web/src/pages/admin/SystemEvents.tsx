import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { SystemEvent } from "../../api/types";
import { Field, SelectField } from "../../components/Field";
import { formatDate } from "../../components/format";
import { ListPage } from "../../components/ListPage";
import { StatusBadge } from "../../components/StatusBadge";
import { useFilters } from "../../components/useFilters";
import { usePagedList } from "../../components/usePagedList";

const severityTone: Record<SystemEvent["severity"], string> = { info: "pending", warning: "unknown", error: "failed" };

/** SystemEvents lists what the platform noticed by itself (drift, unreachable clusters), newest first. */
export function SystemEvents() {
  const [filters, setFilter] = useFilters(["severity", "kind", "object_type", "object_id"]);
  const query = { ...filters, severity: filters.severity as SystemEvent["severity"] | undefined };
  const events = usePagedList(
    ["system-events", query],
    (cursor) => unwrap(api.GET("/api/v1/system/events", { params: { query: { ...query, limit: 50, cursor } } })),
    { refetchInterval: 15000 },
  );
  return (
    <ListPage
      title="System events"
      filters={
        <form className="filters" role="search" aria-label="Filter system events" onSubmit={(e) => e.preventDefault()}>
          <SelectField
            label="Severity"
            value={filters.severity ?? ""}
            onChange={(e) => setFilter("severity", e.target.value)}
          >
            <option value="">Any severity</option>
            <option value="info">info</option>
            <option value="warning">warning</option>
            <option value="error">error</option>
          </SelectField>
          <Field
            label="Kind"
            placeholder="drift.orphan_guest"
            value={filters.kind ?? ""}
            onChange={(e) => setFilter("kind", e.target.value)}
          />
          <Field
            label="Object type"
            placeholder="vm"
            value={filters.object_type ?? ""}
            onChange={(e) => setFilter("object_type", e.target.value)}
          />
          <Field
            label="Object id"
            value={filters.object_id ?? ""}
            onChange={(e) => setFilter("object_id", e.target.value)}
          />
        </form>
      }
      query={events}
      what="system events"
      empty="No system event matches these filters."
      caption="System events, newest first"
      columns={["Time", "Severity", "Kind", "Object", "Message"]}
      row={(e) => (
        <tr key={e.id}>
          <td>{formatDate(e.time)}</td>
          <td>
            <StatusBadge state={severityTone[e.severity]} label={e.severity} />
          </td>
          <td className="mono">{e.kind}</td>
          <td className="mono">{e.object_type ? `${e.object_type} ${e.object_id ?? ""}` : "—"}</td>
          <td>
            {e.message}
            {e.details && Object.keys(e.details).length > 0 && (
              <details>
                <summary>Details</summary>
                <pre className="mono">{JSON.stringify(e.details, null, 2)}</pre>
              </details>
            )}
          </td>
        </tr>
      )}
    />
  );
}
