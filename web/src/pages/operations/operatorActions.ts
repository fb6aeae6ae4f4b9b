import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, idempotencyKey } from "../../api/client";
import { unwrap } from "../../api/errors";

export type OperatorAction = "retry" | "abort";

/** useOperatorAction sends retry or abort, with the operator's reason, to an operation awaiting them. */
export function useOperatorAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action, reason }: { id: string; action: OperatorAction; reason: string }) => {
      const init = {
        params: { path: { id }, header: { "Idempotency-Key": idempotencyKey() } },
        body: reason.trim() ? { reason: reason.trim() } : {},
      };
      return unwrap(
        action === "retry"
          ? api.POST("/api/v1/operations/{id}/retry", init)
          : api.POST("/api/v1/operations/{id}/abort", init),
      );
    },
    onSettled: () => qc.invalidateQueries({ queryKey: ["operations"] }),
  });
}
