import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, idempotencyKey } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { VM } from "../../api/types";
import { ActionBar } from "../../components/ActionBar";
import { CardList } from "../../components/CardList";
import { FormError } from "../../components/FormError";
import { OperationStarted } from "../../components/OperationLink";
import { QueryView } from "../../components/StateViews";
import { StatusBadge } from "../../components/StatusBadge";

/** How often the VM list refreshes while the page is visible. */
export const vmPollMs = 5000;

type VMAction = "start" | "stop" | "reset";

const actions: { action: VMAction; label: string; confirm: (vm: VM) => string; danger?: boolean }[] = [
  { action: "start", label: "Start", confirm: (vm) => `Start ${vm.name}?` },
  {
    action: "stop",
    label: "Stop",
    confirm: (vm) => `Stop ${vm.name}? It is powered off without shutting down.`,
    danger: true,
  },
  {
    action: "reset",
    label: "Reset",
    confirm: (vm) => `Reset ${vm.name} to its template? Everything on its disk is lost.`,
    danger: true,
  },
];

/** canRun says whether action makes sense for vm now. */
export function canRun(vm: VM, action: VMAction): boolean {
  if (vm.state !== "ready") return false;
  if (action === "start") return vm.power_state !== "running";
  if (action === "stop") return vm.power_state === "running" || vm.power_state === "paused";
  return true;
}

/** MyVMs lists the user's VMs with their state and power actions. */
export function MyVMs({ userId }: { userId: string }) {
  const qc = useQueryClient();
  const vms = useQuery({
    queryKey: ["vms", { owner: userId }],
    queryFn: () => unwrap(api.GET("/api/v1/vms", { params: { query: { owner: userId, limit: 200 } } })),
    refetchInterval: vmPollMs,
  });
  const run = useMutation({
    mutationFn: ({ vm, action }: { vm: VM; action: VMAction }) =>
      unwrap(
        api.POST("/api/v1/vms/{id}/actions/{action}", {
          params: { path: { id: vm.id, action }, header: { "Idempotency-Key": idempotencyKey() } },
        }),
      ),
    onSettled: () => qc.invalidateQueries({ queryKey: ["vms"] }),
  });

  return (
    <section className="section" aria-labelledby="my-vms">
      <h2 id="my-vms">My VMs</h2>
      {run.isSuccess && (
        <OperationStarted operation={run.data} what={`${run.variables.action} of ${run.variables.vm.name}`} />
      )}
      <FormError error={run.error} />
      <QueryView
        query={vms}
        what="your VMs"
        isEmpty={(d) => d.items.length === 0}
        empty="You have no VMs yet. They appear here when an event you take part in is deployed."
      >
        {(d) => (
          <CardList label="VMs" items={d.items} keyOf={(vm) => vm.id} title={(vm) => vm.name} state={(vm) => vm.state}>
            {(vm) => (
              <>
                <dl className="facts">
                  <dt>Power</dt>
                  <dd>
                    <StatusBadge state={vm.power_state} />
                  </dd>
                  <dt>IPv4</dt>
                  <dd className="mono">{vm.ipv4 || "—"}</dd>
                  <dt>Size</dt>
                  <dd>
                    {vm.cores} cores, {vm.memory_mb} MiB
                  </dd>
                </dl>
                <ActionBar
                  subject={vm.name}
                  actions={actions.map((a) => ({
                    key: a.action,
                    label: a.label,
                    title: a.confirm(vm),
                    danger: a.danger,
                    disabled: !canRun(vm, a.action),
                  }))}
                  onRun={(action) => run.mutateAsync({ vm, action })}
                />
              </>
            )}
          </CardList>
        )}
      </QueryView>
    </section>
  );
}
