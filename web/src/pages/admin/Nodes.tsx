import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { Node } from "../../api/types";
import { formatBytes, formatDate, percent } from "../../components/format";
import { ListPage } from "../../components/ListPage";
import { StatusBadge } from "../../components/StatusBadge";
import { NodeImportForm } from "./NodeImportForm";

function MemoryMeter({ node }: { node: Node }) {
  const p = percent(node.used_memory_bytes, node.max_memory_bytes);
  return (
    <>
      <span
        className="meter"
        role="meter"
        aria-label={`Memory of ${node.name}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={p}
        data-level={p >= 90 ? "high" : undefined}
      >
        <span style={{ width: `${p}%` }} />
      </span>
      {formatBytes(node.used_memory_bytes)} of {formatBytes(node.max_memory_bytes)} ({p}%)
    </>
  );
}

/** Nodes lists the Proxmox nodes with their status and capacity, and imports clusters. */
export function Nodes() {
  const nodes = useQuery({
    queryKey: ["nodes"],
    queryFn: () => unwrap(api.GET("/api/v1/nodes", { params: { query: { limit: 500 } } })),
    refetchInterval: 10000,
  });
  const capacity = useQuery({
    queryKey: ["capacity"],
    queryFn: () => unwrap(api.GET("/api/v1/capacity")),
  });
  const overbooked = new Set(capacity.data?.nodes.filter((n) => n.overbooked).map((n) => n.node.id));
  return (
    <ListPage
      title="Nodes"
      actions={
        capacity.data && (
          <span className="muted">
            {capacity.data.clone_slots} clone slots in all (at most {capacity.data.clone_cap_per_storage} per storage)
          </span>
        )
      }
      heading="Registered nodes"
      query={{ ...nodes, data: nodes.data?.items }}
      what="nodes"
      empty="No node is registered yet. Import a cluster below."
      caption="Proxmox nodes by cluster and name"
      columns={["Node", "Cluster", "Status", "CPUs", "Memory", "Clones at once", "Storages", "Synced"]}
      row={(n) => (
        <tr key={n.id}>
          <th scope="row">
            {n.name}
            <div className="muted mono">{n.endpoint}</div>
          </th>
          <td>{n.cluster}</td>
          <td>
            <StatusBadge state={n.status} /> {overbooked.has(n.id) && <StatusBadge state="failed" label="overbooked" />}
          </td>
          <td>{n.max_cpu}</td>
          <td style={{ minWidth: "12rem" }}>
            <MemoryMeter node={n} />
          </td>
          <td>{n.clone_concurrency}</td>
          <td>{n.storages.join(", ") || "—"}</td>
          <td>{formatDate(n.synced_at)}</td>
        </tr>
      )}
    >
      <NodeImportForm />
    </ListPage>
  );
}
