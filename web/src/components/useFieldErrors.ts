import { useEffect, useRef, useState, type ChangeEvent } from "react";
import { ApiError } from "../api/errors";
import { fieldError } from "./FormError";

/**
 * useFieldErrors joins a form's live checks with the API's field errors.
 * A field's own check shows once the user has left the field (or tried to
 * submit), then follows every keystroke; otherwise the API's message for
 * the field from the last submit shows. tryValid, called on submit, says
 * whether the form may be sent, and moves focus to the first field in
 * error when it may not.
 */
export function useFieldErrors(client: Record<string, string>, apiError: unknown) {
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [attempts, setAttempts] = useState(0);
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (attempts === 0) return;
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [attempts]);

  const apiFields = apiError instanceof ApiError ? apiError.fields : {};

  /**
   * errorOf is the message to show on the named field, if any. A field
   * that stands for several of the API's (a row, a list) is touched as group.
   */
  function errorOf(name: string, group: string = name): string | undefined {
    const own = attempts > 0 || touched.has(group) ? client[name] : undefined;
    return own ?? fieldError(apiError, name);
  }

  /** touch marks the named field as visited, so its check shows. */
  function touch(name: string) {
    setTouched((t) => (t.has(name) ? t : new Set(t).add(name)));
  }

  return {
    form,
    errorOf,
    touch,
    /** The API's field errors of the last submit, by the API's names. */
    apiFields,
    /** bind is the props of a Field, TextAreaField or SelectField named name, holding value. */
    bind(name: string, value: string, set: (v: string) => void) {
      return {
        name,
        value,
        error: errorOf(name),
        onBlur: () => touch(name),
        onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) => set(e.target.value),
      };
    },
    /** tryValid reports whether nothing is wrong; when something is, every check shows. */
    tryValid(): boolean {
      if (Object.keys(client).length === 0) return true;
      setAttempts((n) => n + 1);
      return false;
    },
    /** reset forgets what was visited, after a successful submit. */
    reset() {
      setTouched(new Set());
      setAttempts(0);
    },
  };
}

export type FieldErrorsApi = ReturnType<typeof useFieldErrors>;
