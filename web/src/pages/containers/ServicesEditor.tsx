import { Field, SelectField } from "../../components/Field";
import { emptyService, type ServiceRow } from "./serviceRows";

/**
 * ServicesEditor edits a container's services: HTTP ones get a public host
 * name under one of the site's external domains, TCP and UDP ones a port of
 * the site's pool. errorOf gives each field's problem, the API's or the
 * live check's.
 */
export function ServicesEditor({
  rows,
  onChange,
  domains,
  errorOf,
  hideLegend,
}: {
  rows: ServiceRow[];
  onChange: (rows: ServiceRow[]) => void;
  domains: string[];
  errorOf: (field: string) => string | undefined;
  /** The legend is for screen readers only, under a heading that says the same. */
  hideLegend?: boolean;
}) {
  const set = (i: number, patch: Partial<ServiceRow>) =>
    onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className="field">
      <legend className={hideLegend ? "visually-hidden" : undefined}>Services</legend>
      {rows.length === 0 && <p className="muted">No service: the container is reachable inside the site only.</p>}
      {rows.map((r, i) => {
        const f = (name: string) => errorOf(`services[${i}].${name}`);
        return (
          <div key={i} className="form-grid service-row" role="group" aria-label={`Service ${i + 1}`}>
            <SelectField
              label="Protocol"
              value={r.protocol}
              onChange={(e) => set(i, { protocol: e.target.value as ServiceRow["protocol"] })}
              error={f("protocol")}
            >
              <option value="http">HTTP (a public URL)</option>
              <option value="tcp">TCP (a public port)</option>
              <option value="udp">UDP (a public port)</option>
            </SelectField>
            <Field
              label="Port in the container"
              type="number"
              min={1}
              max={65535}
              value={r.internal_port}
              onChange={(e) => set(i, { internal_port: e.target.value })}
              error={f("internal_port")}
            />
            {r.protocol === "http" ? (
              <Field
                label="Public host name"
                placeholder={domains[0] ? `app.${domains[0]}` : "app.lab.example.org"}
                hint={domains.length ? `Under ${domains.join(" or ")}.` : undefined}
                value={r.external_hostname}
                onChange={(e) => set(i, { external_hostname: e.target.value })}
                error={f("external_hostname")}
              />
            ) : (
              <Field
                label="Public port"
                type="number"
                min={1}
                max={65535}
                hint="Empty takes the lowest free port of the site's pool."
                value={r.external_port}
                onChange={(e) => set(i, { external_port: e.target.value })}
                error={f("external_port")}
              />
            )}
            <div className="service-remove">
              <button type="button" className="btn" onClick={() => onChange(rows.filter((_, j) => j !== i))}>
                Remove service {i + 1}
              </button>
            </div>
          </div>
        );
      })}
      <div>
        <button type="button" className="btn" onClick={() => onChange([...rows, { ...emptyService }])}>
          Add a service
        </button>
      </div>
    </fieldset>
  );
}
