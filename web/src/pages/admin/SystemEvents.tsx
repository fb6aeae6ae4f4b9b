import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { SystemEvent } from "../../api/types";
import { Field, SelectField } from "../../components/Field";
import { formatDate } from "../../components/format";
import { Filters, ListPage } from "../../components/ListPage";
import { StatusBadge } from "../../components/StatusBadge";
import { useFilters } from "../../components/useFilters";
import { usePagedList } from "../../components/usePagedList";

const severityTone: Record<SystemEvent["severity"], string> = { info: "pending", warning: "unknown", error: "failed" };

/** SystemEvents lists what the platform noticed by itself (drift, unreachable clusters), newest first. */
export function SystemEvents() {
  const [filters, , bind] = useFilters(["severity", "kind", "object_type", "object_id"]);
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
        <Filters label="Filter system events">
          <SelectField label="Severity" {...bind("severity")}>
            <option value="">Any severity</option>
            <option value="info">info</option>
            <option value="warning">warning</option>
            <option value="error">error</option>
          </SelectField>
          <Field label="Kind" placeholder="drift.orphan_guest" {...bind("kind")} />
          <Field label="Object type" placeholder="vm" {...bind("object_type")} />
          <Field label="Object id" {...bind("object_id")} />
        </Filters>
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
