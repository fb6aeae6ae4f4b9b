import type { ReactNode } from "react";
import { ApiError, messageOf } from "../api/errors";

/** Loading says what is being loaded, politely to screen readers. */
export function Loading({ what }: { what: string }) {
  return (
    <div className="state" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      Loading {what}…
    </div>
  );
}

/** Empty says there is nothing to show, and what to do about it. */
export function Empty({ children }: { children: ReactNode }) {
  return <div className="state">{children}</div>;
}

/** ErrorState shows a failed load with the API's message and a retry. */
export function ErrorState({ what, error, onRetry }: { what: string; error: unknown; onRetry?: () => void }) {
  const requestId = error instanceof ApiError ? error.requestId : undefined;
  return (
    <div className="alert alert-error" role="alert">
      <strong>Could not load {what}.</strong> {messageOf(error)}
      {requestId && <span className="muted"> (request {requestId})</span>}
      {onRetry && (
        <div>
          <button type="button" className="btn-link btn" onClick={onRetry}>
            Try again
          </button>
        </div>
      )}
    </div>
  );
}

interface Query<T> {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data: T | undefined;
  refetch: () => unknown;
}

/**
 * QueryView renders a query's loading, error and empty states, and
 * children with the data otherwise.
 */
export function QueryView<T>({
  query,
  what,
  isEmpty,
  empty,
  children,
}: {
  query: Query<T>;
  what: string;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Loading what={what} />;
  if (query.isError || query.data === undefined) {
    return <ErrorState what={what} error={query.error} onRetry={() => void query.refetch()} />;
  }
  if (isEmpty?.(query.data)) return <Empty>{empty ?? `No ${what}.`}</Empty>;
  return <>{children(query.data)}</>;
}
