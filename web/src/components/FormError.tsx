import { ApiError, messageOf } from "../api/errors";

/**
 * FormError shows why a submit failed: the API's message, and the field
 * errors no field of the form shows (shown lists those that it does), so
 * no reason is lost.
 */
export function FormError({ error, shown = [] }: { error: unknown; shown?: string[] }) {
  if (!error) return null;
  const others =
    error instanceof ApiError ? Object.entries(error.fields).filter(([name]) => !shown.includes(name)) : [];
  return (
    <div className="alert alert-error" role="alert">
      {messageOf(error)}
      {others.length > 0 && (
        <ul>
          {others.map(([name, msg]) => (
            <li key={name}>
              <code>{name}</code>: {msg}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** fieldError is the API's message for the named field of a failed submit. */
export function fieldError(error: unknown, name: string): string | undefined {
  return error instanceof ApiError ? error.field(name) : undefined;
}
