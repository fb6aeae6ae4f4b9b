import type { OperationStep } from "../../api/types";
import { formatDate, formatSpan } from "../../components/format";
import { StatusBadge } from "../../components/StatusBadge";

/** OperationSteps lists the steps an operation went through, in order, with state, attempts, time and error. */
export function OperationSteps({ steps }: { steps: OperationStep[] }) {
  const done = steps.filter((s) => s.state === "succeeded" || s.state === "skipped").length;
  return (
    <section className="section" aria-labelledby="op-steps">
      <h2 id="op-steps">Steps</h2>
      {steps.length === 0 ? (
        <p className="muted">No step has started yet.</p>
      ) : (
        <>
          <p className="muted">
            {done} of {steps.length} {steps.length === 1 ? "step" : "steps"} done
          </p>
          <ol className="steps" aria-label="Steps of the operation">
            {steps.map((s, i) => (
              <li key={i} className={`step step-${s.state}`} aria-current={s.ended_at ? undefined : "step"}>
                <div className="step-head">
                  <span className="step-name">{s.name}</span>
                  <StatusBadge state={s.state} />
                  <span className="muted" title={`Started ${formatDate(s.started_at)}`}>
                    {formatSpan(s.started_at, s.ended_at)}
                  </span>
                  {s.attempts > 1 && <span className="muted">{s.attempts} attempts</span>}
                </div>
                {s.error && <p className="field-error">{s.error}</p>}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
