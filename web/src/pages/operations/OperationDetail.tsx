import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { Operation } from "../../api/types";
import { formatDate } from "../../components/format";
import { QueryView } from "../../components/StateViews";
import { StatusBadge } from "../../components/StatusBadge";
import { WorkflowLink } from "../../components/WorkflowLink";
import { OperationSteps } from "./OperationSteps";
import { OperatorControls } from "./OperatorControls";

const terminal: Operation["state"][] = ["completed", "failed", "aborted"];

/** OperationDetail shows one operation and its steps, polling until it ends; an operator may retry, skip or abort it. */
export function OperationDetail() {
  const { id = "" } = useParams();
  const op = useQuery({
    queryKey: ["operations", id],
    queryFn: () => unwrap(api.GET("/api/v1/operations/{id}", { params: { path: { id } } })),
    refetchInterval: (q) => (q.state.data && terminal.includes(q.state.data.state) ? false : 2000),
  });
  return (
    <>
      <p>
        <Link to="/operations">← Operations</Link>
      </p>
      <QueryView query={op} what="the operation">
        {(o) => (
          <article aria-labelledby="op-title">
            <div className="page-head">
              <h1 id="op-title">{o.kind}</h1>
              <StatusBadge state={o.state} />
            </div>
            <div className="card section">
              <dl className="facts">
                <dt>Target</dt>
                <dd className="mono">
                  {o.target_type} {o.target_id}
                </dd>
                <dt>Current step</dt>
                <dd>{o.step || "—"}</dd>
                <dt>Started</dt>
                <dd>{formatDate(o.created_at)}</dd>
                <dt>Updated</dt>
                <dd>{formatDate(o.updated_at)}</dd>
                <dt>Ended</dt>
                <dd>{formatDate(o.completed_at)}</dd>
                <dt>Workflow</dt>
                <dd>
                  <WorkflowLink workflowId={o.workflow_id} runId={o.run_id} />
                </dd>
              </dl>
              {o.error && (
                <p className="alert alert-error" role="alert">
                  {o.error}
                </p>
              )}
              {o.state === "awaiting_operator" && <OperatorControls op={o} />}
            </div>
            <OperationSteps steps={o.steps ?? []} />
            {o.result && (
              <section className="section" aria-labelledby="op-result">
                <h2 id="op-result">Result</h2>
                <pre>{JSON.stringify(o.result, null, 2)}</pre>
              </section>
            )}
          </article>
        )}
      </QueryView>
    </>
  );
}
