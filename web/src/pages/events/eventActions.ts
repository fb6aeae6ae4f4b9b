import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, idempotencyKey } from "../../api/client";
import { unwrap } from "../../api/errors";

export type EventAction = "deploy" | "end" | "cancel" | "retry-failed";

/** useEventAction sends one of the event lifecycle's changes and refreshes the event. */
export function useEventAction(eventId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (action: EventAction) => {
      const init = { params: { path: { id: eventId }, header: { "Idempotency-Key": idempotencyKey() } } };
      switch (action) {
        case "deploy":
          return unwrap(api.POST("/api/v1/events/{id}/deploy", init));
        case "end":
          return unwrap(api.POST("/api/v1/events/{id}/end", init));
        case "cancel":
          return unwrap(api.POST("/api/v1/events/{id}/cancel", init));
        case "retry-failed":
          return unwrap(api.POST("/api/v1/events/{id}/retry-failed", init));
      }
    },
    onSettled: () => qc.invalidateQueries({ queryKey: ["events"] }),
  });
}
