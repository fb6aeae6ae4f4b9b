import { useState } from "react";
import type { Operation } from "../../api/types";
import { ActionButton } from "../../components/ActionButton";
import { fieldError, FormError } from "../../components/FormError";
import { TextAreaField } from "../../components/Field";
import { useOperatorAction } from "./operatorActions";

const sent = { retry: "Retry", skip: "Skip", abort: "Abort" } as const;

/**
 * OperatorControls let an operator retry, skip (where the failed step
 * allows it) or abort an operation awaiting them, with a reason for the log.
 */
export function OperatorControls({ op }: { op: Operation }) {
  const [reason, setReason] = useState("");
  const act = useOperatorAction();
  const name = `${op.kind} on ${op.target_type} ${op.target_id}`;
  return (
    <div>
      <TextAreaField
        label="Reason (logged with your decision)"
        rows={2}
        maxLength={2000}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        error={fieldError(act.error, "reason")}
      />
      <FormError error={act.error} shown={["reason"]} />
      {act.isSuccess && (
        <p className="alert alert-ok" role="status">
          {sent[act.variables.action]} sent; the operation continues.
        </p>
      )}
      <div className="actions">
        <ActionButton
          label={`Retry ${name}`}
          title={`Retry the failed step of ${name}?`}
          confirmLabel="Retry"
          onConfirm={() => act.mutateAsync({ id: op.id, action: "retry", reason })}
        >
          Retry
        </ActionButton>
        {op.skippable && (
          <ActionButton
            label={`Skip the step "${op.step}" of ${name}`}
            title={`Skip "${op.step}" and go on without it? The operation is correct without this step.`}
            confirmLabel="Skip"
            onConfirm={() => act.mutateAsync({ id: op.id, action: "skip", reason })}
          >
            Skip step
          </ActionButton>
        )}
        <ActionButton
          label={`Abort ${name}`}
          title={`Abort ${name}? The workflow undoes what it did.`}
          confirmLabel="Abort"
          danger
          onConfirm={() => act.mutateAsync({ id: op.id, action: "abort", reason })}
        >
          Abort
        </ActionButton>
      </div>
    </div>
  );
}
