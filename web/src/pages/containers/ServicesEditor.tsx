import { Field, SelectField } from "../../components/Field";
import type { FieldErrorsApi } from "../../components/useFieldErrors";
import { newServiceRow, type ServiceRow } from "./services";

/** serviceFieldPattern matches the field names ServicesEditor shows. */
export const serviceFieldPattern =
  /^services(\[\d+\]\.(protocol|internal_port|external_hostname|external_port|backend))?$/;

/**
 * ServicesEditor edits a container's services, one group of fields per
 * service: HTTP ones with the external host name NGINX routes by, TCP and
 * UDP ones with an optional external port. Each field shows its message
 * by the API's name for it (services[i].external_hostname).
 */
export function ServicesEditor({
  rows,
  onChange,
  errors,
}: {
  rows: ServiceRow[];
  onChange: (rows: ServiceRow[]) => void;
  errors: FieldErrorsApi;
}) {
  const set = (i: number, patch: Partial<ServiceRow>) =>
    onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const listError = errors.errorOf("services");
  return (
    <fieldset className="field">
      <legend>Services</legend>
      {rows.length === 0 && <p className="muted">No service is published.</p>}
      {listError && <span className="field-error">{listError}</span>}
      {rows.map((r, i) => {
        const name = (f: string) => `services[${i}].${f}`;
        const bind = (f: "internal_port" | "external_hostname" | "external_port") => ({
          name: name(f),
          value: r[f],
          error: errors.errorOf(name(f)),
          onBlur: () => errors.touch(name(f)),
          onChange: (e: React.ChangeEvent<HTMLInputElement>) => set(i, { [f]: e.target.value }),
        });
        return (
          <fieldset key={r.key} className="card service-row">
            <legend>Service {i + 1}</legend>
            <div className="form-grid">
              <SelectField
                label="Protocol"
                name={name("protocol")}
                value={r.protocol}
                error={errors.errorOf(name("protocol"))}
                onChange={(e) => set(i, { protocol: e.target.value as ServiceRow["protocol"] })}
              >
                <option value="http">HTTP</option>
                <option value="tcp">TCP</option>
                <option value="udp">UDP</option>
              </SelectField>
              <Field
                label="Port in the container"
                inputMode="numeric"
                required
                placeholder="80"
                {...bind("internal_port")}
              />
              {r.protocol === "http" ? (
                <>
                  <Field
                    label="Public host name"
                    required
                    placeholder="app.apps.example.org"
                    hint="A name under one of the site's external domains."
                    autoComplete="off"
                    {...bind("external_hostname")}
                  />
                  <SelectField
                    label="Backend"
                    name={name("backend")}
                    value={r.backend}
                    error={errors.errorOf(name("backend"))}
                    hint="How the gateway speaks to the container."
                    onChange={(e) => set(i, { backend: e.target.value as ServiceRow["backend"] })}
                  >
                    <option value="http">http</option>
                    <option value="https">https</option>
                  </SelectField>
                </>
              ) : (
                <Field
                  label="Public port"
                  inputMode="numeric"
                  hint="Empty: the lowest free port of the site's pool."
                  {...bind("external_port")}
                />
              )}
            </div>
            <button
              type="button"
              className="btn"
              aria-label={`Remove service ${i + 1}`}
              onClick={() => onChange(rows.filter((_, j) => j !== i))}
            >
              Remove
            </button>
          </fieldset>
        );
      })}
      <button type="button" className="btn" onClick={() => onChange([...rows, newServiceRow()])}>
        Add a service
      </button>
    </fieldset>
  );
}
