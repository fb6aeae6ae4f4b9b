import {
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from "react";

interface FieldProps {
  label: string;
  /** The API's message for this field, shown under it and announced with it. */
  error?: string | undefined;
  hint?: ReactNode;
}

/** The attributes that tie a control to its label, hint and error. */
interface ControlA11y {
  id: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
}

/** FieldFrame lays out a label, a control, its hint and its error. */
function FieldFrame({ label, error, hint, control }: FieldProps & { control: (a11y: ControlA11y) => ReactNode }) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const described = [hint ? hintId : "", error ? errorId : ""].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {control({ id, "aria-invalid": error ? true : undefined, "aria-describedby": described || undefined })}
      {hint && (
        <span className="hint" id={hintId}>
          {hint}
        </span>
      )}
      {error && (
        <span className="field-error" id={errorId}>
          {error}
        </span>
      )}
    </div>
  );
}

/** Field is a labelled input with its hint and its error message. */
export function Field({ label, error, hint, ...input }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  return <FieldFrame label={label} error={error} hint={hint} control={(a) => <input {...input} {...a} />} />;
}

/** SelectField is a labelled select with its hint and its error message. */
export function SelectField({ label, error, hint, ...select }: FieldProps & SelectHTMLAttributes<HTMLSelectElement>) {
  return <FieldFrame label={label} error={error} hint={hint} control={(a) => <select {...select} {...a} />} />;
}

/** TextAreaField is a labelled textarea with its hint and its error message. */
export function TextAreaField({
  label,
  error,
  hint,
  ...area
}: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return <FieldFrame label={label} error={error} hint={hint} control={(a) => <textarea {...area} {...a} />} />;
}
