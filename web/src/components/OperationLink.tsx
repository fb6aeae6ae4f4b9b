import { Link } from "react-router";
import type { Operation } from "../api/types";

/** OperationStarted says an action was accepted and links to its operation. */
export function OperationStarted({ operation, what }: { operation: Operation; what: string }) {
  return (
    <p className="alert alert-ok" role="status">
      {what} started. <Link to={`/operations/${operation.id}`}>Follow the operation</Link>.
    </p>
  );
}
