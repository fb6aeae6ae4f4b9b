import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { Operation, OperationState } from "../../api/types";
import { Field, SelectField } from "../../components/Field";
import { DataTable, LoadMore } from "../../components/DataTable";
import { Filters } from "../../components/ListPage";
import { formatDate } from "../../components/format";
import { QueryView } from "../../components/StateViews";
import { StatusBadge } from "../../components/StatusBadge";
import { useFilters } from "../../components/useFilters";
import { usePagedList } from "../../components/usePagedList";
import { WorkflowLink } from "../../components/WorkflowLink";
import { OperatorControls } from "./OperatorControls";

/** How often the operations refresh while the page is visible. */
export const operationsPollMs = 3000;

export const operationStates: OperationState[] = [
  "pending",
  "running",
  "awaiting_operator",
  "completed",
  "failed",
  "aborted",
];

/** AwaitingOperator lists the operations stopped on a failed step, each with retry and abort. */
function AwaitingOperator() {
  const awaiting = useQuery({
    queryKey: ["operations", "awaiting"],
    queryFn: () =>
      unwrap(api.GET("/api/v1/operations", { params: { query: { state: "awaiting_operator", limit: 100 } } })),
    refetchInterval: operationsPollMs,
  });
  if (awaiting.data?.items.length === 0) return null;
  return (
    <section className="section" aria-labelledby="awaiting">
      <h2 id="awaiting">Awaiting an operator</h2>
      <QueryView query={awaiting} what="operations awaiting an operator">
        {(d) => (
          <ul className="card-grid" aria-label="Operations awaiting an operator">
            {d.items.map((op) => (
              <li key={op.id} className="card">
                <h3>
                  <Link to={`/operations/${op.id}`}>{op.kind}</Link>
                  <StatusBadge state={op.state} />
                </h3>
                <dl className="facts">
                  <dt>Target</dt>
                  <dd className="mono">
                    {op.target_type} {op.target_id}
                  </dd>
                  <dt>Step</dt>
                  <dd>{op.step || "—"}</dd>
                  <dt>Error</dt>
                  <dd>{op.error || "—"}</dd>
                </dl>
                <OperatorControls op={op} />
              </li>
            ))}
          </ul>
        )}
      </QueryView>
    </section>
  );
}

function OperationRow({ op }: { op: Operation }) {
  return (
    <tr>
      <td>
        <Link to={`/operations/${op.id}`}>{op.kind}</Link>
      </td>
      <td className="mono">
        {op.target_type} {op.target_id}
      </td>
      <td>
        <StatusBadge state={op.state} />
      </td>
      <td>
        {op.step || "—"}
        {op.error && <div className="field-error">{op.error}</div>}
      </td>
      <td>{formatDate(op.updated_at)}</td>
      <td>
        <WorkflowLink workflowId={op.workflow_id} runId={op.run_id}>
          Workflow<span className="visually-hidden"> {op.workflow_id}</span>
        </WorkflowLink>
      </td>
    </tr>
  );
}

/** Operations is the live list of operations with filters, those awaiting an operator on top. */
export function Operations() {
  const [filters, , bind] = useFilters(["state", "kind", "target_type"] as const);
  const query = {
    state: (filters.state || undefined) as OperationState | undefined,
    kind: filters.kind || undefined,
    target_type: filters.target_type || undefined,
  };
  const ops = usePagedList(
    ["operations", "list", query],
    (cursor) => unwrap(api.GET("/api/v1/operations", { params: { query: { ...query, limit: 50, cursor } } })),
    { refetchInterval: operationsPollMs },
  );

  return (
    <>
      <div className="page-head">
        <h1>Operations</h1>
        <span className="muted">Refreshes every {operationsPollMs / 1000} seconds</span>
      </div>
      <AwaitingOperator />
      <section className="section" aria-labelledby="all-operations">
        <h2 id="all-operations">All operations</h2>
        <Filters label="Filter operations">
          <SelectField label="State" {...bind("state")}>
            <option value="">Any state</option>
            {operationStates.map((s) => (
              <option key={s} value={s}>
                {s.replaceAll("_", " ")}
              </option>
            ))}
          </SelectField>
          <Field label="Kind" placeholder="vm.create" {...bind("kind")} />
          <Field label="Target type" placeholder="vm" {...bind("target_type")} />
        </Filters>
        <QueryView
          query={ops}
          what="operations"
          isEmpty={(items) => items.length === 0}
          empty="No operation matches these filters."
        >
          {(items) => (
            <>
              <DataTable
                caption="Operations, newest first"
                columns={["Kind", "Target", "State", "Step", "Updated", "Temporal"]}
              >
                {items.map((op) => (
                  <OperationRow key={op.id} op={op} />
                ))}
              </DataTable>
              <LoadMore query={ops} />
            </>
          )}
        </QueryView>
      </section>
    </>
  );
}
