import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, idempotencyKey } from "../../api/client";
import { unwrap } from "../../api/errors";

export type OperatorAction = "retry" | "skip" | "abort";

/** useOperatorAction sends retry, skip or abort, with the operator's reason, to an operation awaiting them. */
export function useOperatorAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action, reason }: { id: string; action: OperatorAction; reason: string }) => {
      const init = {
        params: { path: { id }, header: { "Idempotency-Key": idempotencyKey() } },
        body: reason.trim() ? { reason: reason.trim() } : {},
      };
      switch (action) {
        case "retry":
          return unwrap(api.POST("/api/v1/operations/{id}/retry", init));
        case "skip":
          return unwrap(api.POST("/api/v1/operations/{id}/skip", init));
        case "abort":
          return unwrap(api.POST("/api/v1/operations/{id}/abort", init));
      }
    },
    onSettled: () => qc.invalidateQueries({ queryKey: ["operations"] }),
  });
}
