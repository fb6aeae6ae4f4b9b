import { api } from "../../../api/client";
import { unwrap } from "../../../api/errors";
import type { AuditRecord } from "../../../api/types";
import { Field } from "../../../components/Field";
import { fieldError } from "../../../components/FormError";
import { formatDate } from "../../../components/format";
import { Filters, List, PageHead } from "../../../components/ListPage";
import { useFilters } from "../../../components/useFilters";
import { usePagedList } from "../../../components/usePagedList";
import { localToISO } from "../../events/EventCreateForm";

const filterNames = ["actor", "object_type", "object_id", "action", "since", "until"] as const;

/** auditQuery turns the page's filters into the API's query: times become RFC 3339. */
export function auditQuery(f: Partial<Record<(typeof filterNames)[number], string>>) {
  return { ...f, since: f.since && localToISO(f.since), until: f.until && localToISO(f.until) };
}

/** Change shows an audit record's object before and after the change, when it has them. */
function Change({ r }: { r: AuditRecord }) {
  if (!r.before && !r.after) return <span className="muted">—</span>;
  return (
    <details>
      <summary>Before and after</summary>
      {r.before && (
        <>
          <h4>Before</h4>
          <pre className="mono">{JSON.stringify(r.before, null, 2)}</pre>
        </>
      )}
      {r.after && (
        <>
          <h4>After</h4>
          <pre className="mono">{JSON.stringify(r.after, null, 2)}</pre>
        </>
      )}
    </details>
  );
}

/** AuditLog lists who did what to which object, from where, newest first, with the API's filters. */
export function AuditLog() {
  const [filters, , bind] = useFilters(filterNames);
  const query = auditQuery(filters);
  const since = filters.since ?? "";
  const until = filters.until ?? "";
  // The API's own rule, checked before asking.
  const order = since && until && new Date(until) <= new Date(since) ? "must be after since" : undefined;
  const records = usePagedList(
    ["audit", query],
    (cursor) => unwrap(api.GET("/api/v1/audit", { params: { query: { ...query, limit: 50, cursor } } })),
    { enabled: !order },
  );
  const err = records.error;
  const text = (name: (typeof filterNames)[number], label: string, placeholder?: string) => (
    <Field label={label} placeholder={placeholder} error={fieldError(err, name)} {...bind(name)} />
  );
  return (
    <>
      <PageHead title="Audit log" />
      <Filters label="Filter the audit log">
        {text("actor", "Actor", "username or user id")}
        {text("action", "Action", "vm.create")}
        {text("object_type", "Object type", "vm")}
        {text("object_id", "Object id")}
        <Field label="Since" type="datetime-local" error={fieldError(err, "since")} {...bind("since")} />
        <Field label="Until" type="datetime-local" error={order ?? fieldError(err, "until")} {...bind("until")} />
      </Filters>
      {!order && (
        <List
          heading="Audit records"
          query={records}
          what="the audit log"
          empty="No audit record matches these filters."
          caption="Audit records, newest first"
          columns={["Time", "Actor", "Action", "Object", "From", "Change"]}
          row={(r) => (
            <tr key={r.id}>
              <td>{formatDate(r.time)}</td>
              <td>{r.actor_name || <span className="muted">platform</span>}</td>
              <td className="mono">{r.action}</td>
              <td className="mono">
                {r.object_type} {r.object_id}
              </td>
              <td className="mono">
                {r.client_ip || "—"}
                <div className="muted" title="Request id">
                  {r.request_id}
                </div>
              </td>
              <td>
                <Change r={r} />
              </td>
            </tr>
          )}
        />
      )}
    </>
  );
}
