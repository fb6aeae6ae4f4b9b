import { Field } from "../../components/Field";
import type { FieldErrorsApi } from "../../components/useFieldErrors";
import type { EnvRow } from "./rules";

/** envFieldPattern matches the field names EnvEditor shows. */
export const envFieldPattern = /^env(\..*)?$/;

/**
 * EnvEditor edits a container's environment variables, a name and a value
 * per row; a row shows the API's message for env.NAME on its name.
 */
export function EnvEditor({
  rows,
  onChange,
  errors,
}: {
  rows: EnvRow[];
  onChange: (rows: EnvRow[]) => void;
  errors: FieldErrorsApi;
}) {
  const set = (i: number, patch: Partial<EnvRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const listError = errors.errorOf("env");
  return (
    <fieldset className="field">
      <legend>Environment variables</legend>
      {listError && <span className="field-error">{listError}</span>}
      {rows.map((r, i) => (
        <div key={i} className="form-grid env-row">
          <Field
            label={`Variable ${i + 1} name`}
            value={r.name}
            autoComplete="off"
            spellCheck={false}
            error={r.name === "" && r.value === "" ? undefined : errors.errorOf(`env.${r.name}`, `env[${i}]`)}
            onBlur={() => errors.touch(`env[${i}]`)}
            onChange={(e) => set(i, { name: e.target.value })}
          />
          <Field
            label={`Variable ${i + 1} value`}
            value={r.value}
            autoComplete="off"
            spellCheck={false}
            onBlur={() => errors.touch(`env[${i}]`)}
            onChange={(e) => set(i, { value: e.target.value })}
          />
          <button
            type="button"
            className="btn"
            aria-label={`Remove variable ${i + 1}`}
            onClick={() => onChange(rows.filter((_, j) => j !== i))}
          >
            Remove
          </button>
        </div>
      ))}
      <button type="button" className="btn" onClick={() => onChange([...rows, { name: "", value: "" }])}>
        Add a variable
      </button>
    </fieldset>
  );
}
