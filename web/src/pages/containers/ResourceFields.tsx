import { Field } from "../../components/Field";
import type { FieldErrorsApi } from "../../components/useFieldErrors";
import { resourceNames, resourceRules, type ResourceValues } from "./resources";

/** ResourceFields are a container's cores, memory, swap and disk, each with its bounds as a hint. */
export function ResourceFields({
  values,
  onChange,
  errors,
  placeholders,
}: {
  values: ResourceValues;
  onChange: (v: ResourceValues) => void;
  errors: FieldErrorsApi;
  /** What an empty field means, shown in it. */
  placeholders?: Partial<ResourceValues>;
}) {
  return (
    <div className="form-grid">
      {resourceNames.map((name) => {
        const r = resourceRules[name];
        return (
          <Field
            key={name}
            label={r.label}
            name={name}
            inputMode="numeric"
            placeholder={placeholders?.[name] ?? String(r.default)}
            hint={`${r.min} to ${r.max}.`}
            value={values[name]}
            error={errors.errorOf(name)}
            onBlur={() => errors.touch(name)}
            onChange={(e) => onChange({ ...values, [name]: e.target.value })}
          />
        );
      })}
    </div>
  );
}
