import type { FormEvent } from "react";
import { useMutation, useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useFieldErrors } from "./useFieldErrors";

/**
 * useCreateForm runs a form that sends what it holds to the API, typically
 * to create something: create is the mutation, errors its fields' errors
 * (useFieldErrors) and submit, the form's onSubmit, shows the form's own
 * checks (see useFieldErrors) and sends only when they pass, with the
 * variables given (what the mutation's variables then hold). After a
 * success, onSuccess clears the fields, the checks are hidden again until
 * the next visit or submit, and the queries under each of invalidate load
 * again.
 */
export function useCreateForm<TData, TVariables = void>({
  send,
  checks = {},
  invalidate = [],
  onSuccess,
}: {
  /** send asks the API; its error's field messages show on the fields. */
  send: (variables: TVariables) => Promise<TData>;
  /** The form's own checks: a message by field name, for each field in error. */
  checks?: Record<string, string>;
  /** The query keys whose data a success changes. */
  invalidate?: QueryKey[];
  onSuccess?: (data: TData, variables: TVariables) => void;
}) {
  const qc = useQueryClient();
  const mutation = useMutation({
    mutationFn: send,
    onSuccess: (data, variables) => {
      onSuccess?.(data, variables);
      errors.reset();
      for (const queryKey of invalidate) void qc.invalidateQueries({ queryKey });
    },
  });
  const errors = useFieldErrors(checks, mutation.error);
  /** submit is the form's onSubmit; a form whose send takes variables passes them too. */
  function submit(e: FormEvent, ...rest: TVariables extends void ? [] : [variables: TVariables]) {
    e.preventDefault();
    if (errors.tryValid()) mutation.mutate(rest[0] as TVariables);
  }
  return { create: mutation, errors, submit };
}
